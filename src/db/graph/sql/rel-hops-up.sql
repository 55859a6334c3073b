-- Shortest hop count to $2 from every resource that reaches it over active CALLS edges within $3
-- hops (its callers, direct and transitive). Cycle-safe as rel-hops-down.sql.
WITH RECURSIVE reach(id, hops) AS (
  SELECT $2::bigint, 0
  UNION
  SELECT e.src_resource_id, r.hops + 1
    FROM reach r
    JOIN graph_active_edge e ON e.tenant_id = $1 AND e.dst_resource_id = r.id
   WHERE r.hops < $3
)
SELECT id, min(hops)::int AS hops FROM reach WHERE id <> $2 GROUP BY id
