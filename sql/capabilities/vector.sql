-- pgvector present: embeddings as vector(1536) with an HNSW index (seed appendix A).
-- {{ext:vector}} is the extension's own schema (src/db/extension-schema.ts): the type and the
-- operator class are named through it, so this works whatever the search_path names.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'kb_chunk' AND column_name = 'embedding') THEN
    ALTER TABLE kb_chunk ADD COLUMN embedding {{ext:vector}}.vector(1536) NOT NULL;
  ELSE
    -- upgrade from the real[] fallback (pgvector casts real[] to vector directly)
    ALTER TABLE kb_chunk DROP CONSTRAINT IF EXISTS kb_chunk_embedding_dims;
    ALTER TABLE kb_chunk ALTER COLUMN embedding TYPE {{ext:vector}}.vector(1536) USING embedding::{{ext:vector}}.vector(1536);
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS idx_kb_vec_hnsw ON kb_chunk USING hnsw (embedding {{ext:vector}}.vector_l2_ops);
