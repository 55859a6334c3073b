-- Rules: URN, type, name and namespace of the resources the window's rows name.
-- $1 tenant_id, $2 resource ids
SELECT resource_id, urn, type, name, coalesce(labels->>'k8s.namespace.name', labels->>'service.namespace') AS namespace
FROM dim_resource
WHERE tenant_id = $1 AND resource_id = ANY($2::bigint[])
