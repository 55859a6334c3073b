-- The document of a source for a tenant (NULL tenant = shared), with how many of its chunks carry
-- an embedding of the given model.
SELECT d.doc_id, d.content_hash,
       (SELECT count(*) FROM kb_chunk c WHERE c.doc_id = d.doc_id)::int AS chunks,
       (SELECT count(*) FROM kb_chunk c WHERE c.doc_id = d.doc_id AND c.embedding_model = $3)::int AS embedded
FROM kb_doc d
WHERE coalesce(d.tenant_id, 0) = coalesce($1::bigint, 0) AND d.source = $2
