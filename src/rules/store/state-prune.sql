-- Rules: state rows older than the horizon are never read again.
-- $1 tenant_id, $2 before
DELETE FROM rule_state WHERE tenant_id = $1 AND window_from < $2::timestamptz
