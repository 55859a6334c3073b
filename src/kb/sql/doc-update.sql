UPDATE kb_doc
SET title = $2, url = $3, metadata = $4::jsonb, content_hash = $5, doc_time = $6::timestamptz, updated_at = now()
WHERE doc_id = $1
