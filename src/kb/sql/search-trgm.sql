-- Trigram candidates (misspellings, partial words, identifiers): word_similarity of the query to the
-- best-matching stretch of the chunk, over the GIN trigram index (`<%` reads
-- pg_trgm.word_similarity_threshold, set for this transaction by the caller). Filters as in search-fts.sql.
SELECT c.chunk_id, word_similarity($5, c.content) AS score
FROM kb_chunk c
JOIN kb_doc d ON d.doc_id = c.doc_id
WHERE $5 <% c.content
  AND (d.tenant_id IS NULL OR d.tenant_id = $1::bigint)
  AND ($2::text IS NULL OR d.metadata -> 'urns' ? $2::text)
  AND ($3::timestamptz IS NULL OR d.doc_time >= $3::timestamptz)
  AND ($4::timestamptz IS NULL OR d.doc_time < $4::timestamptz)
ORDER BY score DESC, c.chunk_id
LIMIT $6
