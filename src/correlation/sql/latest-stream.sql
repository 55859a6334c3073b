-- The OO organization and stream of the tenant's newest locator of a dataset (logs or traces).
SELECT bucket, object_key
  FROM oo_locator
 WHERE tenant_id = $1 AND dataset = $2
 ORDER BY t_from DESC
 LIMIT 1
