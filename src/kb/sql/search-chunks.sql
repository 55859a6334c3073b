SELECT c.chunk_id, c.doc_id, c.chunk_idx, c.heading, c.content, c.metadata -> 'urns' AS urns,
       d.title, d.source, d.url, d.doc_time, t.code AS tenant
FROM kb_chunk c
JOIN kb_doc d ON d.doc_id = c.doc_id
LEFT JOIN dim_tenant t ON t.tenant_id = d.tenant_id
WHERE c.chunk_id = ANY($1::bigint[])
