-- Sampled traces whose business attributes contain $2 (or $3: the same with numbers typed).
WITH hits AS (
  SELECT trace_id, bucket, failed AS bad, attrs, 'edge' AS kind
    FROM service_call_trace_5m
   WHERE tenant_id = $1 AND (attrs @> $2::jsonb OR attrs @> $3::jsonb)
     AND bucket >= $4::timestamptz AND bucket < $5::timestamptz
  UNION ALL
  SELECT trace_id, bucket, is_error AS bad, attrs, 'pattern' AS kind
    FROM log_pattern_trace_5m
   WHERE tenant_id = $1 AND (attrs @> $2::jsonb OR attrs @> $3::jsonb)
     AND bucket >= $4::timestamptz AND bucket < $5::timestamptz
)
SELECT trace_id, min(bucket) AS first_bucket, max(bucket) AS last_bucket, bool_or(bad) AS failed,
       count(*) FILTER (WHERE kind = 'edge')::int AS edges,
       count(*) FILTER (WHERE kind = 'pattern')::int AS patterns,
       (array_agg(attrs ORDER BY bucket))[1] AS attrs
  FROM hits
 GROUP BY trace_id
 ORDER BY max(bucket) DESC, trace_id
 LIMIT $6
