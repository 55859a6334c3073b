-- Rules: the tenant's metric_1m rows whose buckets start in [$2, $3) (resources resolved separately),
-- with the id of the metric stream's locator for the bucket (oo-metrics writes one per metric and
-- window). $4: read the sketches of buckets from $6 on. $5: only these metrics (null: all).
-- $1 tenant_id, $2 from, $3 to, $4 with_sketch, $5 metrics, $6 sketch_from
SELECT m.bucket, m.resource_id, m.metric, m.labels, m.labels_hash, m.avg_val, m.max_val, m.min_val, m.p95_val,
       m.count, m.sum_val, CASE WHEN $4::boolean AND m.bucket >= $6::timestamptz THEN m.sketch END AS sketch,
       l.id AS locator_id
FROM metric_1m m
LEFT JOIN oo_locator l ON l.tenant_id = m.tenant_id AND l.dataset = 'metrics' AND l.object_key = m.metric
                      AND l.t_from = m.bucket AND l.t_to = m.bucket + interval '1 minute'
WHERE m.tenant_id = $1 AND m.bucket >= $2::timestamptz AND m.bucket < $3::timestamptz
  AND ($5::text[] IS NULL OR m.metric = ANY($5::text[]))
ORDER BY m.bucket, m.resource_id, m.metric, m.labels_hash
