-- Removes the tenant's edges that are not in the active set ($2: JSON array of {src, dst}).
-- Membership, not a refresh stamp: a re-run of the same window after oo-calls rewrote its buckets
-- must drop an edge that the first run wrote with the same stamp. NOT IN over the function scan is
-- planned as a hashed subplan whatever the table statistics say (NOT EXISTS turned into a nested
-- loop over 10,000 × 10,000 rows once statistics were stale); src and dst are never null.
DELETE FROM graph_active_edge g
 WHERE g.tenant_id = $1
   AND (g.src_resource_id, g.dst_resource_id) NOT IN (
         SELECT a.src, a.dst FROM jsonb_to_recordset($2::jsonb) AS a(src bigint, dst bigint))
