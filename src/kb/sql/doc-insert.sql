INSERT INTO kb_doc (tenant_id, source, title, url, metadata, content_hash, doc_time, updated_at)
VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::timestamptz, now())
RETURNING doc_id
