-- $1 tenant_id, $2 window_from
DELETE FROM evidence_link el
USING event_envelope e
WHERE el.event_id = e.event_id AND e.tenant_id = $1 AND e.source = 'rules' AND el.added_window = $2::timestamptz
