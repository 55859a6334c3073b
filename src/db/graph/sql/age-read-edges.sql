-- Cypher mode input: the tenant's active edges, times as ISO-8601 UTC strings (as the SQL mode writes).
SELECT src_resource_id AS src,
       dst_resource_id AS dst,
       to_char(first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS first_seen,
       to_char(last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_seen,
       calls, errors, rps, err_rate, p95_ms AS p95
  FROM graph_active_edge
 WHERE tenant_id = $1
 ORDER BY src_resource_id, dst_resource_id
