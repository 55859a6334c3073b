-- One statement per batch of chunks: parallel arrays, unnested. The full-text vector is computed
-- here with the configured language ($2): title and heading weighted A, the text D.
-- /*EMBEDDING_TYPE*/ is replaced by the column's type (real[] or the pgvector type, schema-qualified).
INSERT INTO kb_chunk (doc_id, chunk_idx, heading, content, metadata, tsv, embedding, embedding_model)
SELECT $1, u.idx, u.heading, u.content, u.meta::jsonb,
       setweight(to_tsvector($2::regconfig, coalesce($3, '') || ' ' || u.heading), 'A')
         || to_tsvector($2::regconfig, u.content),
       u.emb::/*EMBEDDING_TYPE*/,
       CASE WHEN u.emb IS NULL THEN NULL ELSE $8 END
FROM unnest($4::int[], $5::text[], $6::text[], $7::text[], $9::text[]) AS u(idx, heading, content, meta, emb)
