-- Vector candidates without pgvector (embedding real[]): an exact scan of the inner product over the
-- model's first $7 dimensions (the rest is zero padding). Vectors are unit length: this is the cosine.
SELECT c.chunk_id, (SELECT sum(a * b) FROM unnest(c.embedding[1:$7], $5::real[]) AS u(a, b)) AS score
FROM kb_chunk c
JOIN kb_doc d ON d.doc_id = c.doc_id
WHERE c.embedding_model = $6 AND c.embedding IS NOT NULL
  AND (d.tenant_id IS NULL OR d.tenant_id = $1::bigint)
  AND ($2::text IS NULL OR d.metadata -> 'urns' ? $2::text)
  AND ($3::timestamptz IS NULL OR d.doc_time >= $3::timestamptz)
  AND ($4::timestamptz IS NULL OR d.doc_time < $4::timestamptz)
ORDER BY score DESC NULLS LAST, c.chunk_id
LIMIT $8
