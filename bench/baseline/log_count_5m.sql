-- Log counts per 5 minutes, service and a crude pattern: one regexp_replace that writes <*> for
-- UUIDs, runs of 8+ hex digits (trace ids) and numbers (with decimals, so IPs and durations too).
-- $1, $2: the window.
INSERT INTO bl_log_count_5m (bucket, service, pattern, count_total, count_error)
SELECT to_timestamp(floor(extract(epoch FROM ts) / 300) * 300), service,
       regexp_replace(body, '[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|[0-9a-fA-F]{8,}|[0-9]+(\.[0-9]+)*',
                      '<*>', 'g'),
       count(*), count(*) FILTER (WHERE severity IN ('ERROR', 'FATAL', 'CRITICAL'))
FROM raw_logs
WHERE ts >= $1 AND ts < $2
GROUP BY 1, 2, 3
