-- The newest record discovery saw for a tenant: the latest last_seen of its newest debounce window
-- (idx_discname_t finds the window; last_seen lies inside it). discovery_name has a row for every
-- name of every signal, so it covers what the keys, values and sets rows do.
-- $1 tenant_id
SELECT max(last_seen) AS newest
  FROM discovery_name
 WHERE tenant_id = $1
   AND window_start = (SELECT max(window_start) FROM discovery_name WHERE tenant_id = $1)
