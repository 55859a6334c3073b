-- Full-text candidates: chunks holding any of the query's lexemes (OR, so one missing word does not
-- empty the list), ranked by ts_rank normalized by length. The lexemes are quoted into a tsquery
-- literal, which takes them as they are (already normalized by the language, $5).
-- Filters: $1 tenant (NULL = shared documents only; a tenant also sees shared ones), $2 a URN the
-- document mentions, [$3, $4) the document's time.
WITH q AS (
  SELECT (SELECT string_agg('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''', ' | ')
          FROM unnest(tsvector_to_array(to_tsvector($5::regconfig, $6))) AS l)::tsquery AS tq
)
SELECT c.chunk_id, ts_rank(c.tsv, q.tq, 1) AS score
FROM q, kb_chunk c
JOIN kb_doc d ON d.doc_id = c.doc_id
WHERE q.tq IS NOT NULL AND c.tsv @@ q.tq
  AND (d.tenant_id IS NULL OR d.tenant_id = $1::bigint)
  AND ($2::text IS NULL OR d.metadata -> 'urns' ? $2::text)
  AND ($3::timestamptz IS NULL OR d.doc_time >= $3::timestamptz)
  AND ($4::timestamptz IS NULL OR d.doc_time < $4::timestamptz)
ORDER BY score DESC, c.chunk_id
LIMIT $7
