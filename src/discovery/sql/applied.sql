-- Marks a job window's discovery as applied; returns a row only the first time.
INSERT INTO discovery_applied (tenant_id, signal, window_from) VALUES ($1, $2, $3::timestamptz)
ON CONFLICT DO NOTHING
RETURNING 1 AS first
