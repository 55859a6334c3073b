-- metric_1m from raw points: per minute, resource, metric and label set. $1, $2: the window.
INSERT INTO bl_metric_1m (bucket, service, resource, metric, labels, n, avg_val, max_val, p95_val)
SELECT date_trunc('minute', ts), service, resource, name, labels,
       count(*), avg(value), max(value), percentile_cont(0.95) WITHIN GROUP (ORDER BY value)
FROM raw_metrics
WHERE ts >= $1 AND ts < $2
GROUP BY 1, 2, 3, 4, 5
