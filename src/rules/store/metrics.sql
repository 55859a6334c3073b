-- Rules: the tenant's metric_1m rows whose buckets start in [$2, $3) (resources resolved separately;
-- the metric stream's locator only for the rows that become evidence: metric-locators.sql). The
-- bucket comes as epoch ms: a number parses far faster than a timestamptz, on 60,000 rows a window.
-- $4: read the sketches of buckets from $6 on. $5: only these metrics (null: all).
-- $1 tenant_id, $2 from, $3 to, $4 with_sketch, $5 metrics, $6 sketch_from
SELECT (extract(epoch FROM m.bucket) * 1000)::float8 AS bucket_ms, m.resource_id, m.metric, m.labels, m.labels_hash,
       m.avg_val, m.max_val, m.min_val, m.p95_val, m.count, m.sum_val,
       CASE WHEN $4::boolean AND m.bucket >= $6::timestamptz THEN m.sketch END AS sketch
FROM metric_1m m
WHERE m.tenant_id = $1 AND m.bucket >= $2::timestamptz AND m.bucket < $3::timestamptz
  AND ($5::text[] IS NULL OR m.metric = ANY($5::text[]))
ORDER BY m.bucket, m.resource_id, m.metric, m.labels_hash
