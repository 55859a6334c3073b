-- Mirrors the tenant's topology edges open at the window's end ($2) into graph_struct_edge;
-- with $3 = false it empties the tenant's structural edges instead (the option was switched off).
WITH open_edges AS (
  SELECT DISTINCT t.src_resource_id, t.dst_resource_id, t.relation
    FROM topo_edge_time t
   WHERE $3::boolean
     AND t.tenant_id = $1
     AND t.valid @> $2::timestamptz
), removed AS (
  DELETE FROM graph_struct_edge g
   WHERE g.tenant_id = $1
     AND NOT EXISTS (SELECT 1 FROM open_edges o
                      WHERE o.src_resource_id = g.src_resource_id
                        AND o.dst_resource_id = g.dst_resource_id
                        AND o.relation = g.relation)
  RETURNING 1
), added AS (
  INSERT INTO graph_struct_edge (tenant_id, src_resource_id, dst_resource_id, relation)
  SELECT $1, o.src_resource_id, o.dst_resource_id, o.relation FROM open_edges o
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM removed) AS removed, (SELECT count(*) FROM added) AS added,
       (SELECT count(*) FROM open_edges) AS total
