-- A tenant by code (or by numeric id when $2 is set). Disabled tenants are returned too; callers decide.
-- $1 code, $2 tenant_id
SELECT tenant_id, code, name, enabled
FROM dim_tenant
WHERE ($1::text IS NOT NULL AND code = $1) OR ($2::bigint IS NOT NULL AND tenant_id = $2)
LIMIT 1
