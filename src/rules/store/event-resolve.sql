-- Rules: the events $2 resolve at the end of window $3 (unless a newer window already wrote them).
-- $1 tenant_id, $2 event_id[], $3 window_from, $4 resolved_at
UPDATE event_envelope
SET status = 'resolved', resolved_at = $4::timestamptz, last_window = $3::timestamptz, updated_at = now()
WHERE tenant_id = $1 AND event_id = ANY($2::uuid[]) AND (last_window IS NULL OR last_window <= $3::timestamptz)
