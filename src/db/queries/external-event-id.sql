-- POST /api/events: the event a stale notification named (its row was left as it was).
-- $1 tenant_id, $2 source, $3 external_id
SELECT event_id::text AS event_id, status FROM event_envelope WHERE tenant_id = $1 AND source = $2 AND external_id = $3
