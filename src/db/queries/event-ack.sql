-- Acknowledges an event of the tenant (again: the latest acknowledgement wins).
-- $1 tenant_id, $2 event_id, $3 acked_at, $4 by, $5 note
UPDATE event_envelope SET acked_at = $3::timestamptz, acked_by = $4, ack_note = $5, updated_at = now()
WHERE tenant_id = $1 AND event_id = $2::uuid
RETURNING event_id::text AS event_id
