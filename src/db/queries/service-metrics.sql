-- Per metric of one resource over a span: the 1-minute rows folded (mean = Σ sum / Σ count; the
-- largest 1-minute p95, not a p95 of the span). $1 tenant_id, $2 urn, $3 from, $4 to, $5 limit
SELECT m.metric,
       count(DISTINCT m.labels_hash)::int AS series,
       sum(m.count)::bigint AS samples,
       CASE WHEN sum(m.count) > 0 THEN sum(m.sum_val) / sum(m.count) END AS mean,
       min(m.min_val) AS min,
       max(m.max_val) AS max,
       max(m.p95_val) AS p95_max_1m
FROM dim_resource r
JOIN metric_1m m
  ON m.tenant_id = r.tenant_id AND m.resource_id = r.resource_id
 AND m.bucket >= $3::timestamptz AND m.bucket < $4::timestamptz
WHERE r.tenant_id = $1 AND r.urn = $2
GROUP BY m.metric
ORDER BY m.metric
LIMIT $5
