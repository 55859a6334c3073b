-- pgvector absent: embeddings as real[] of 1536 dimensions; similarity search is exact (a scan).
ALTER TABLE kb_chunk ADD COLUMN IF NOT EXISTS embedding real[] NOT NULL;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'kb_chunk_embedding_dims'
                 AND conrelid = 'kb_chunk'::regclass) THEN
    ALTER TABLE kb_chunk ADD CONSTRAINT kb_chunk_embedding_dims CHECK (cardinality(embedding) = 1536);
  END IF;
END $$;
