-- Knowledge base ingestion and hybrid search (issue #16).
--
-- kb_doc: one row per ingested source (a file path or URL) and tenant; NULL tenant = shared by every
-- tenant. content_hash makes re-ingesting an unchanged document a no-op; a changed one replaces its
-- chunks. doc_time is the document's own date (front matter `date:`, HTTP Last-Modified, file mtime)
-- and is what search's time filter reads.
ALTER TABLE kb_doc ADD COLUMN IF NOT EXISTS content_hash TEXT;
ALTER TABLE kb_doc ADD COLUMN IF NOT EXISTS doc_time TIMESTAMPTZ;
ALTER TABLE kb_doc ADD COLUMN IF NOT EXISTS updated_at TIMESTAMPTZ DEFAULT now();
CREATE UNIQUE INDEX IF NOT EXISTS ux_kb_doc_source ON kb_doc ((coalesce(tenant_id, 0)), source);
CREATE INDEX IF NOT EXISTS idx_kb_doc_urns ON kb_doc USING GIN ((metadata -> 'urns'));

-- kb_chunk: the heading path of the section a chunk came from, its full-text vector (written with
-- the configured text-search language, title and heading weighted A), and the embedding model whose
-- vector sits in `embedding` (NULL = no embedding: lexical search only).
ALTER TABLE kb_chunk ADD COLUMN IF NOT EXISTS heading TEXT;
ALTER TABLE kb_chunk ADD COLUMN IF NOT EXISTS tsv TSVECTOR;
ALTER TABLE kb_chunk ADD COLUMN IF NOT EXISTS embedding_model TEXT;
CREATE INDEX IF NOT EXISTS idx_kb_chunk_tsv ON kb_chunk USING GIN (tsv);
CREATE INDEX IF NOT EXISTS idx_kb_chunk_trgm ON kb_chunk USING GIN (content {{ext:pg_trgm}}.gin_trgm_ops);

-- Embeddings are optional (no provider configured = lexical search only), so the column is nullable.
-- The capability step runs after the migrations: on a fresh database it finds this column and keeps
-- it (real[] without pgvector; vector.sql converts it to vector(1536) with pgvector), on an older one
-- the column exists already, NOT NULL, of either type.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'kb_chunk' AND column_name = 'embedding') THEN
    ALTER TABLE kb_chunk ADD COLUMN embedding real[];
  ELSE
    ALTER TABLE kb_chunk ALTER COLUMN embedding DROP NOT NULL;
  END IF;
END $$;
