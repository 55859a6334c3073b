-- Trigram candidates (misspellings, other word forms, partial identifiers). Each lexeme of the query
-- ($5 in the language $7) takes its 8 nearest known lexemes (kb_word) of similarity at least $9, the
-- exact one first when it is known; the NEIGHBOURS marker below is trgm-neighbours-knn.sql or -scan.sql
-- (search.ts picks one per driver).
-- Candidates: the full-text candidates ($8, chunk ids), and the chunks holding a stand-in for a query
-- lexeme the corpus does not have (full-text index). Not every chunk holding a known word: with
-- common words that is most of the corpus, and full-text has ranked them already. A candidate scores,
-- per query lexeme, the best similarity among the lexemes it holds, summed; ties (many with a short
-- query) go to the better ts_rank of the expanded query. Filters as in search-fts.sql.
WITH qw AS (
  SELECT l AS w, EXISTS (SELECT 1 FROM kb_word k WHERE k.word = l) AS known
  FROM (SELECT DISTINCT l FROM unnest(tsvector_to_array(to_tsvector($7::regconfig, $5))) AS l) AS u
),
ex AS MATERIALIZED (
  SELECT qw.w AS q, qw.known, k.sim, ('''' || replace(replace(k.word, '\', '\\'), '''', '''''') || '''')::tsquery AS tq
  FROM qw CROSS JOIN LATERAL (
    /*NEIGHBOURS*/
  ) AS k
  WHERE k.sim >= $9::real
),
q AS (
  SELECT (SELECT string_agg(tq::text, ' | ') FROM ex WHERE NOT known)::tsquery AS fuzzy,
         (SELECT string_agg(tq::text, ' | ') FROM ex)::tsquery AS tq
),
-- A union, not `chunk_id = ANY($8) OR tsv @@ fuzzy`: PGlite did not finish that OR.
cand AS (
  SELECT unnest($8::bigint[]) AS chunk_id
  UNION
  SELECT c.chunk_id FROM q, kb_chunk c WHERE c.tsv @@ q.fuzzy
)
SELECT c.chunk_id,
       coalesce((SELECT sum(m) FROM (SELECT max(ex.sim) AS m FROM ex WHERE c.tsv @@ ex.tq GROUP BY ex.q) AS s), 0)
         AS score
FROM q, cand
JOIN kb_chunk c ON c.chunk_id = cand.chunk_id
JOIN kb_doc d ON d.doc_id = c.doc_id
WHERE (d.tenant_id IS NULL OR d.tenant_id = $1::bigint)
  AND ($2::text IS NULL OR d.metadata -> 'urns' ? $2::text)
  AND ($3::timestamptz IS NULL OR d.doc_time >= $3::timestamptz)
  AND ($4::timestamptz IS NULL OR d.doc_time < $4::timestamptz)
ORDER BY score DESC, coalesce(ts_rank(c.tsv, q.tq, 1), 0) DESC, c.chunk_id
LIMIT $6
