-- Knowledge base trigram search over distinct words (issue #16).
--
-- The trigram method used to rank chunks by word_similarity(query, content) over a GIN trigram index
-- on kb_chunk.content. With common words nearly every chunk passes the index, and word_similarity on
-- each ~600-character chunk cost ~5 s per query at 10,000 chunks. Now it matches the query's words
-- against the corpus's distinct lexemes (short strings, trigram index), and the similar lexemes find
-- their chunks through the full-text index.
--
-- kb_word: every lexeme of every chunk's tsvector, shared by all tenants (search filters the chunks
-- it finds, never the words). Ingest adds the new ones; lexemes of deleted chunks stay (they then
-- match no chunk, which is harmless).
CREATE TABLE IF NOT EXISTS kb_word (
  word TEXT PRIMARY KEY
);
-- GiST, not GIN: search takes each query word's nearest words (ORDER BY <-> LIMIT), which only GiST
-- answers from the index; a `%` filter got a sequential scan of the words from the planner.
CREATE INDEX IF NOT EXISTS idx_kb_word_trgm ON kb_word USING GIST (word {{ext:pg_trgm}}.gist_trgm_ops);

INSERT INTO kb_word (word)
SELECT DISTINCT l FROM kb_chunk, unnest(tsvector_to_array(tsv)) AS l
ORDER BY l
ON CONFLICT DO NOTHING;

-- Nothing reads the content trigram index any more; it only slowed ingest down.
DROP INDEX IF EXISTS idx_kb_chunk_trgm;
