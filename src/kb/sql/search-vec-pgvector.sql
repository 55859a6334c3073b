-- Vector candidates with pgvector: L2 distance (the HNSW index's vector_l2_ops) to the zero-padded
-- unit query; for unit vectors 1 - d²/2 is the cosine. /*VECTOR*/ is the extension's schema-qualified
-- type and /*OP*/ its qualified operator, whatever the search_path. $7 is unused (same parameters as
-- the real[] variant).
SELECT c.chunk_id, 1 - ((c.embedding /*OP*/ $5::/*VECTOR*/) ^ 2) / 2 AS score
FROM kb_chunk c
JOIN kb_doc d ON d.doc_id = c.doc_id
WHERE c.embedding_model = $6 AND c.embedding IS NOT NULL AND $7::int > 0
  AND (d.tenant_id IS NULL OR d.tenant_id = $1::bigint)
  AND ($2::text IS NULL OR d.metadata -> 'urns' ? $2::text)
  AND ($3::timestamptz IS NULL OR d.doc_time >= $3::timestamptz)
  AND ($4::timestamptz IS NULL OR d.doc_time < $4::timestamptz)
ORDER BY c.embedding /*OP*/ $5::/*VECTOR*/, c.chunk_id
LIMIT $8
