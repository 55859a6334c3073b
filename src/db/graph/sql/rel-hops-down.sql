-- Shortest hop count from $2 to every resource it reaches over active CALLS edges within $3 hops.
-- UNION (not UNION ALL) keeps each (resource, hops) pair once and the depth bound ends the recursion,
-- so cycles cost at most one row per resource and depth, and never loop.
WITH RECURSIVE reach(id, hops) AS (
  SELECT $2::bigint, 0
  UNION
  SELECT e.dst_resource_id, r.hops + 1
    FROM reach r
    JOIN graph_active_edge e ON e.tenant_id = $1 AND e.src_resource_id = r.id
   WHERE r.hops < $3
)
SELECT id, min(hops)::int AS hops FROM reach WHERE id <> $2 GROUP BY id
