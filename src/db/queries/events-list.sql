-- Events of a tenant, newest first (detected_at, event_id), optionally by status and since a time,
-- after a keyset cursor.
-- $1 tenant_id, $2 status (null: all), $3 since (null: all), $4 cursor detected_at, $5 cursor event_id, $6 limit,
-- $7 rule_id (null: all), $8 event_id (null: all)
SELECT e.event_id::text AS event_id, e.detected_at, e.severity::text AS severity, e.kind, e.title, e.summary,
       e.labels, e.fingerprints, e.status, e.source, e.rule_id, e.fingerprint, e.group_key, e.first_seen,
       e.last_seen, e.resolved_at, e.value, e.peak_value, e.windows, e.flaps, e.acked_at, e.acked_by, e.ack_note,
       e.external_id, r.urn, r.type AS resource_type,
       (SELECT count(*) FROM evidence_link ev WHERE ev.event_id = e.event_id) AS evidence_count
FROM event_envelope e
LEFT JOIN dim_resource r ON r.resource_id = e.resource_id AND r.tenant_id = e.tenant_id
WHERE e.tenant_id = $1
  AND ($2::text IS NULL OR e.status = $2::text)
  AND ($3::timestamptz IS NULL OR coalesce(e.last_seen, e.detected_at) >= $3::timestamptz)
  AND ($7::text IS NULL OR e.rule_id = $7::text)
  AND ($8::uuid IS NULL OR e.event_id = $8::uuid)
  AND ($4::timestamptz IS NULL OR (e.detected_at, e.event_id) < ($4::timestamptz, $5::uuid))
ORDER BY e.detected_at DESC, e.event_id DESC
LIMIT $6
