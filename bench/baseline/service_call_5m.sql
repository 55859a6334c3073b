-- service_call_5m from raw spans, service-graph semantics in SQL. $1, $2: the window.
-- Calls are anchored at the client span's start (root server spans: at their own start).
--   paired:   client/producer c and server/consumer s with s.trace_id = c.trace_id and
--             s.parent_span_id = c.span_id (c not a database call); latency = server duration;
--             failed = either side failed;
--   database: client spans with db.system → 'db:<system>/<namespace or name or server.address>',
--             latency = client duration;
--   virtual:  other client/producer spans without a partner → 'mq:<system>/<destination>' when
--             they carry messaging.system, else peer.service, else 'host:<server.address>';
--   user:     server spans without a parent → 'user' → service.
WITH c AS (
  SELECT * FROM raw_spans
  WHERE start_ts >= $1 AND start_ts < $2 AND kind IN ('client', 'producer')
),
paired AS (
  SELECT c.start_ts AS anchor, c.service AS src, s.service AS dst, (c.error OR s.error) AS failed,
         s.duration_ms AS ms
  FROM c JOIN raw_spans s ON s.trace_id = c.trace_id AND s.parent_span_id = c.span_id
  WHERE s.kind IN ('server', 'consumer') AND NOT (c.attrs ? 'db.system')
),
db AS (
  SELECT c.start_ts, c.service,
         'db:' || (c.attrs->>'db.system') || '/' ||
           coalesce(c.attrs->>'db.namespace', c.attrs->>'db.name', c.attrs->>'server.address', '_'),
         c.error, c.duration_ms
  FROM c WHERE c.attrs ? 'db.system'
),
unpaired AS (
  SELECT c.start_ts, c.service,
         coalesce('mq:' || (c.attrs->>'messaging.system') || '/' ||
                    coalesce(c.attrs->>'messaging.destination.name', '_'),
                  c.attrs->>'peer.service', 'host:' || (c.attrs->>'server.address')),
         c.error, c.duration_ms
  FROM c
  WHERE NOT (c.attrs ? 'db.system')
    AND NOT EXISTS (SELECT 1 FROM raw_spans s
                    WHERE s.trace_id = c.trace_id AND s.parent_span_id = c.span_id
                      AND s.kind IN ('server', 'consumer'))
),
roots AS (
  SELECT start_ts, 'user', service, error, duration_ms
  FROM raw_spans
  WHERE start_ts >= $1 AND start_ts < $2 AND kind IN ('server', 'consumer') AND parent_span_id IS NULL
),
calls AS (
  SELECT * FROM paired UNION ALL SELECT * FROM db UNION ALL SELECT * FROM unpaired UNION ALL SELECT * FROM roots
)
INSERT INTO bl_service_call_5m (bucket, src, dst, calls, errors, rps, err_rate, p50_ms, p95_ms)
SELECT to_timestamp(floor(extract(epoch FROM anchor) / 300) * 300), src, dst,
       count(*), count(*) FILTER (WHERE failed), count(*) / 300.0,
       (count(*) FILTER (WHERE failed))::double precision / count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)
FROM calls
WHERE dst IS NOT NULL
GROUP BY 1, 2, 3
