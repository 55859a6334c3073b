SELECT resource_id AS id, urn, type FROM dim_resource WHERE tenant_id = $1 AND resource_id = ANY($2::bigint[])
