-- Typical query 2, first half: the event itself with its resource (tenant-scoped; an event without a
-- resource is still returned, so the seed's inner join became a left join).
-- $1 tenant_id, $2 event_id
SELECT e.event_id::text AS event_id, e.detected_at, e.severity::text AS severity, e.kind, e.title, e.summary,
       e.labels, e.fingerprints, r.urn, r.type AS resource_type
FROM event_envelope e
LEFT JOIN dim_resource r ON r.resource_id = e.resource_id AND r.tenant_id = e.tenant_id
WHERE e.tenant_id = $1 AND e.event_id = $2::uuid
