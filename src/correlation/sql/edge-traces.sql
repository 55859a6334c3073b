-- Sampled traces of one edge in [from, to): failed when any sampled call of the trace failed.
SELECT count(*) FILTER (WHERE failed)::int AS failed, count(*) FILTER (WHERE NOT failed)::int AS healthy
  FROM (SELECT trace_id, bool_or(failed) AS failed
          FROM service_call_trace_5m
         WHERE tenant_id = $1 AND src_resource_id = $2 AND dst_resource_id = $3
           AND bucket >= $4::timestamptz AND bucket < $5::timestamptz
         GROUP BY trace_id) t
