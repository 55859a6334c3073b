-- Rules: write one event as of the window $22. A row written by a newer window is left alone, so an
-- older window run again (replay) never rolls an event back; the same window run again writes the
-- same values. Acknowledgements are never touched here.
-- $1 event_id, $2 tenant_id, $3 resource_id, $4 severity, $5 kind, $6 title, $7 summary, $8 labels,
-- $9 fingerprints, $10 status, $11 rule_id, $12 fingerprint, $13 group_key, $14 first_seen, $15 last_seen,
-- $16 resolved_at, $17 value, $18 peak_value, $19 windows, $20 flaps, $21 opened_window, $22 last_window,
-- $23 detected_at (the end of the window that opened it; kept on updates)
INSERT INTO event_envelope (event_id, detected_at, tenant_id, resource_id, severity, kind, title, summary, labels,
                            fingerprints, status, source, rule_id, fingerprint, group_key, first_seen, last_seen,
                            resolved_at, value, peak_value, windows, flaps, opened_window, last_window, updated_at)
VALUES ($1::uuid, $23::timestamptz, $2, $3, $4::severity, $5, $6, $7, $8::jsonb, $9::jsonb, $10, 'rules', $11, $12,
        $13::jsonb, $14::timestamptz, $15::timestamptz, $16::timestamptz, $17, $18, $19, $20, $21::timestamptz,
        $22::timestamptz, now())
ON CONFLICT (event_id) DO UPDATE SET
  resource_id = EXCLUDED.resource_id, severity = EXCLUDED.severity, kind = EXCLUDED.kind, title = EXCLUDED.title,
  summary = EXCLUDED.summary, labels = EXCLUDED.labels, fingerprints = EXCLUDED.fingerprints,
  status = EXCLUDED.status, last_seen = EXCLUDED.last_seen, resolved_at = EXCLUDED.resolved_at,
  value = EXCLUDED.value, peak_value = EXCLUDED.peak_value, windows = EXCLUDED.windows, flaps = EXCLUDED.flaps,
  last_window = EXCLUDED.last_window, updated_at = now()
WHERE event_envelope.tenant_id = EXCLUDED.tenant_id
  AND (event_envelope.last_window IS NULL OR event_envelope.last_window <= EXCLUDED.last_window)
