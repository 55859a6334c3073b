-- Embeddings for chunks stored without one (provider added or down at the time).
UPDATE kb_chunk c
SET embedding = u.emb::/*EMBEDDING_TYPE*/, embedding_model = $2
FROM unnest($3::int[], $4::text[]) AS u(idx, emb)
WHERE c.doc_id = $1 AND c.chunk_idx = u.idx
