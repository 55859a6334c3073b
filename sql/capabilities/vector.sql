-- pgvector present: embeddings as vector(1536) with an HNSW index (seed appendix A).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'kb_chunk' AND column_name = 'embedding') THEN
    ALTER TABLE kb_chunk ADD COLUMN embedding vector(1536) NOT NULL;
  ELSE
    -- upgrade from the real[] fallback
    ALTER TABLE kb_chunk DROP CONSTRAINT IF EXISTS kb_chunk_embedding_dims;
    ALTER TABLE kb_chunk ALTER COLUMN embedding TYPE vector(1536) USING embedding::text::vector;
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS idx_kb_vec_hnsw ON kb_chunk USING hnsw (embedding vector_l2_ops);
