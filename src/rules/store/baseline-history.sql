-- Rules (baseline history in SQL): per group of one baseline rule, the baseline over its history
-- points, computed as evaluate.ts does over rows in memory: each point's value is the rule's aggregate
-- over the group's rows in the point (sums in the order the rows would be read), then the median /
-- mean (points in order) / max of the points that have a value, and how many there were.
-- The FROM, KEYS (g, k1…kn, listed by K), WHERE and VALUE markers are filled by store/baseline.ts from
-- a fixed list of expressions per table; every value taken from the rule is a bound parameter.
-- $1 tenant_id, $2 from (earliest point), $3 to (latest point end), $4 point starts, $5 point ends,
-- $6 method (median/mean/max); $7… the rule's filter values and label keys.
WITH x AS (
  SELECT /*KEYS*/, t.*
  /*FROM*/
  WHERE t.tenant_id = $1 AND t.bucket >= $2::timestamptz AND t.bucket < $3::timestamptz AND /*WHERE*/
), pts AS (
  SELECT /*K*/, p.idx, /*VALUE*/ AS v
    FROM x
    JOIN unnest($4::timestamptz[], $5::timestamptz[]) WITH ORDINALITY AS p(p_from, p_to, idx)
      ON x.bucket >= p.p_from AND x.bucket < p.p_to
   GROUP BY /*K*/, p.idx
), h AS (
  SELECT /*K*/, array_agg(v ORDER BY v) AS s, sum(v ORDER BY idx) AS total, max(v) AS top, count(*)::int AS n
    FROM pts
   WHERE v IS NOT NULL
   GROUP BY /*K*/
)
SELECT /*K*/, n,
       CASE $6::text
         WHEN 'max' THEN top
         WHEN 'mean' THEN total / n
         ELSE CASE WHEN n % 2 = 1 THEN s[n / 2 + 1] ELSE (s[n / 2] + s[n / 2 + 1]) / 2 END
       END AS base
  FROM h
