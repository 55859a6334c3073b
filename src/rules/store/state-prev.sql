-- Rules: the latest state row per (rule, key) before the window $2, no older than $3.
-- $1 tenant_id, $2 window_from, $3 horizon
SELECT DISTINCT ON (rule_id, group_key)
       rule_id, group_key, window_from, phase, firing, value, fire_streak, clear_streak, windows, flaps,
       peak_value, event_id::text AS event_id, opened_window
FROM rule_state
WHERE tenant_id = $1 AND window_from < $2::timestamptz AND window_from >= $3::timestamptz
ORDER BY rule_id, group_key, window_from DESC
