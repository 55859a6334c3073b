-- POST /api/events: which of the given locator ids are the tenant's.
-- $1 tenant_id, $2 ids
SELECT id FROM oo_locator WHERE tenant_id = $1 AND id = ANY($2::bigint[])
