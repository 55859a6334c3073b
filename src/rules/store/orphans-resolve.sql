-- Rules: open events of rules that no longer apply to the tenant (removed from the config, disabled,
-- or no longer listing the tenant) resolve at the end of window $2 with reason 'rule removed'; a
-- newer window's write is left alone, so a re-run of the window writes the same values.
-- $1 tenant_id, $2 window_from, $3 resolved_at (window end), $4 rule ids that stay
UPDATE event_envelope
SET status = 'resolved', resolved_at = $3::timestamptz, last_window = $2::timestamptz,
    labels = coalesce(labels, '{}'::jsonb) || '{"resolved_reason": "rule removed"}'::jsonb, updated_at = now()
WHERE tenant_id = $1 AND source = 'rules' AND status = 'open' AND NOT (rule_id = ANY($4::text[]))
  AND (last_window IS NULL OR last_window <= $2::timestamptz)
RETURNING rule_id
