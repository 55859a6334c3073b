SELECT (SELECT count(*) FROM kb_doc)::int AS docs,
       (SELECT count(*) FROM kb_chunk)::int AS chunks,
       (SELECT count(*) FROM kb_chunk WHERE embedding IS NOT NULL)::int AS embedded,
       (SELECT string_agg(DISTINCT embedding_model, ', ') FROM kb_chunk) AS models
