-- When a tenant's newest event was last seen (else detected): the instant the events list's `since`
-- is measured against (events-list.sql).
-- $1 tenant_id
SELECT max(coalesce(last_seen, detected_at)) AS newest FROM event_envelope WHERE tenant_id = $1
