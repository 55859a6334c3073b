-- Rules: the oo_locator of each (metric, bucket) an evidence row names (oo-metrics writes one per
-- metric stream and window: t_from = bucket, t_to = bucket + 1 minute).
-- $1 tenant_id, $2 metric names, $3 bucket starts (pairwise with $2)
SELECT k.metric, (extract(epoch FROM k.bucket) * 1000)::float8 AS bucket_ms, l.id
FROM unnest($2::text[], $3::timestamptz[]) AS k(metric, bucket)
JOIN oo_locator l ON l.tenant_id = $1 AND l.dataset = 'metrics' AND l.object_key = k.metric
                 AND l.t_from = k.bucket AND l.t_to = k.bucket + interval '1 minute'
