-- The edges a trace crossed, from the edge trace samples, with each edge's bucket figures and locator.
SELECT s.bucket, src.urn AS src, dst.urn AS dst, s.span_id, s.failed, s.attrs,
       c.calls, c.errors, c.p95_ms, l.bucket AS oo_bucket, l.object_key, l.query_hint
  FROM service_call_trace_5m s
  JOIN dim_resource src ON src.resource_id = s.src_resource_id
  JOIN dim_resource dst ON dst.resource_id = s.dst_resource_id
  LEFT JOIN service_call_5m c
    ON c.bucket = s.bucket AND c.tenant_id = s.tenant_id
   AND c.src_resource_id = s.src_resource_id AND c.dst_resource_id = s.dst_resource_id
  LEFT JOIN oo_locator l ON l.id = c.sample_ref
 WHERE s.tenant_id = $1 AND s.trace_id = $2
 ORDER BY s.bucket, src.urn, dst.urn
 LIMIT 1000
