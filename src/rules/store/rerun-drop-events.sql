-- Rules: events an earlier run of window $2 opened that this run no longer opens (nothing newer wrote them).
-- $1 tenant_id, $2 window_from, $3 event ids this run opened
DELETE FROM event_envelope
WHERE tenant_id = $1 AND source = 'rules' AND opened_window = $2::timestamptz
  AND last_window <= $2::timestamptz AND NOT (event_id = ANY($3::uuid[]))
