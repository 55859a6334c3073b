-- Rules: what an earlier run of window $2 wrote, removed before the window is written again: its
-- state rows, and the evidence links it added (links first added by an earlier window stay).
-- $1 tenant_id, $2 window_from
DELETE FROM rule_state WHERE tenant_id = $1 AND window_from = $2::timestamptz;
