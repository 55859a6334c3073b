-- The newest 5-minute windows of one scope (an edge, the calls into a service, or the whole tenant):
-- counts add up exactly; the window's p95 is its worst edge's (percentiles do not add).
SELECT s.bucket,
       sum(s.calls)::bigint  AS calls,
       sum(s.errors)::bigint AS errors,
       max(s.p95_ms)         AS p95_ms
  FROM service_call_5m s
  JOIN dim_tenant t   ON t.tenant_id = s.tenant_id
  JOIN dim_resource a ON a.resource_id = s.src_resource_id
  JOIN dim_resource b ON b.resource_id = s.dst_resource_id
 WHERE t.code = $1
   AND s.bucket >= $2::timestamptz AND s.bucket <= $3::timestamptz
   AND ($4::text IS NULL OR a.urn = $4)
   AND ($5::text IS NULL OR b.urn = $5)
 GROUP BY s.bucket
 ORDER BY s.bucket DESC
 LIMIT $6
