-- The tenant's active CALLS edges (all of them when $2 is null, else those leaving the resources $2).
SELECT src_resource_id AS src,
       dst_resource_id AS dst,
       calls,
       errors,
       rps,
       err_rate,
       p95_ms,
       to_char(first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS first_seen,
       to_char(last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_seen
  FROM graph_active_edge
 WHERE tenant_id = $1
   AND ($2::bigint[] IS NULL OR src_resource_id = ANY($2::bigint[]))
