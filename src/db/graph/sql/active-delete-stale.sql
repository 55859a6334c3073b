-- Removes the tenant's edges that are not in the active set ($2: JSON array of {src, dst}).
-- Membership, not a refresh stamp: a re-run of the same window after oo-calls rewrote its buckets
-- must drop an edge that the first run wrote with the same stamp.
DELETE FROM graph_active_edge g
 WHERE g.tenant_id = $1
   AND NOT EXISTS (
         SELECT 1
           FROM jsonb_to_recordset($2::jsonb) AS a(src bigint, dst bigint)
          WHERE a.src = g.src_resource_id
            AND a.dst = g.dst_resource_id)
