-- Rules (baseline history in SQL): per group of one baseline rule, the baseline over its history
-- points, computed as evaluate.ts does over rows in memory: each point's value is the rule's aggregate
-- over the group's rows in the point (sums in the order the rows would be read), then the median /
-- mean (points in order) / max of the points that have a value, and how many there were.
-- The FROM, KEYS (g, k1…kn, listed by K), COLS, WHERE, STEP, VALUE, OUT and JOIN markers are filled by
-- store/baseline.ts from a fixed list of expressions per table; every value taken from the rule is a
-- bound parameter. x carries only the columns the values read (a sketch per row made the points' join
-- spill to disk); a URN key is the resource id until the end, where OUT/JOIN turn it into the URN.
-- $1 tenant_id, $2 from (earliest point), $3 to (latest point end), $4 point starts, $5 point ends,
-- $6 method (median/mean/max); $7… the rule's filter values and label keys.
WITH x AS (
  SELECT /*KEYS*/, /*COLS*/
  /*FROM*/
  WHERE t.tenant_id = $1 AND t.bucket >= $2::timestamptz AND t.bucket < $3::timestamptz AND /*WHERE*/
), bp AS (
  -- Every bucket start of each point (a few dozen): rows then join their points on equality (a hash
  -- join) instead of each row being compared with every point. Made from the points and the table's
  -- bucket length (STEP), not from the rows' distinct buckets: that second read of x made the planner
  -- materialize it (a third of the statement's time at 50,000 rows).
  SELECT b.bucket, p.idx
    FROM unnest($4::timestamptz[], $5::timestamptz[]) WITH ORDINALITY AS p(p_from, p_to, idx)
   CROSS JOIN LATERAL generate_series(
           date_bin(/*STEP*/, p.p_from - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00') + /*STEP*/,
           p.p_to - interval '1 microsecond', /*STEP*/) AS b(bucket)
), pts AS (
  SELECT /*K*/, bp.idx, /*VALUE*/ AS v
    FROM x
    JOIN bp ON bp.bucket = x.bucket
   GROUP BY /*K*/, bp.idx
), h AS (
  SELECT /*K*/, array_agg(v ORDER BY v) AS s, sum(v ORDER BY idx) AS total, max(v) AS top, count(*)::int AS n
    FROM pts
   WHERE v IS NOT NULL
   GROUP BY /*K*/
)
SELECT /*OUT*/, h.n,
       CASE $6::text
         WHEN 'max' THEN h.top
         WHEN 'mean' THEN h.total / h.n
         ELSE CASE WHEN h.n % 2 = 1 THEN h.s[h.n / 2 + 1] ELSE (h.s[h.n / 2] + h.s[h.n / 2 + 1]) / 2 END
       END AS base
  FROM h /*JOIN*/
