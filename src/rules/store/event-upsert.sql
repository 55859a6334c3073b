-- Rules: write the window's events (one row per element of the arrays, all as of the window $19), in
-- one statement. A row written by a newer window is left alone, so an older window run again (replay)
-- never rolls an event back; the same window run again writes the same values. Acknowledgements are
-- never touched here. Event ids are unique within a window (one per rule and group key).
-- $1 tenant_id, $2 event_id[], $3 resource_id[], $4 severity[], $5 kind[], $6 title[], $7 summary[],
-- $8 labels[] (JSON text), $9 fingerprints[] (JSON text), $10 rule_id[], $11 fingerprint[],
-- $12 group_key[] (JSON text), $13 first_seen[], $14 last_seen (the window's end), $15 value[],
-- $16 peak_value[], $17 windows[], $18 flaps[], $19 last_window (the window's start), $20 opened_window[],
-- $21 detected_at[] (the end of the window that opened each; kept on updates)
INSERT INTO event_envelope (event_id, detected_at, tenant_id, resource_id, severity, kind, title, summary, labels,
                            fingerprints, status, source, rule_id, fingerprint, group_key, first_seen, last_seen,
                            resolved_at, value, peak_value, windows, flaps, opened_window, last_window, updated_at)
SELECT e.event_id, e.detected_at, $1, e.resource_id, e.severity::severity, e.kind, e.title, e.summary,
       e.labels::jsonb, e.fingerprints::jsonb, 'open', 'rules', e.rule_id, e.fingerprint, e.group_key::jsonb,
       e.first_seen, $14::timestamptz, NULL, e.value, e.peak_value, e.windows, e.flaps, e.opened_window,
       $19::timestamptz, now()
FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::text[], $11::text[], $12::text[], $13::timestamptz[], $15::float8[], $16::float8[], $17::int[],
            $18::int[], $20::timestamptz[], $21::timestamptz[])
     AS e(event_id, resource_id, severity, kind, title, summary, labels, fingerprints, rule_id, fingerprint,
          group_key, first_seen, value, peak_value, windows, flaps, opened_window, detected_at)
ON CONFLICT (event_id) DO UPDATE SET
  resource_id = EXCLUDED.resource_id, severity = EXCLUDED.severity, kind = EXCLUDED.kind, title = EXCLUDED.title,
  summary = EXCLUDED.summary, labels = EXCLUDED.labels, fingerprints = EXCLUDED.fingerprints,
  status = EXCLUDED.status, last_seen = EXCLUDED.last_seen, resolved_at = EXCLUDED.resolved_at,
  value = EXCLUDED.value, peak_value = EXCLUDED.peak_value, windows = EXCLUDED.windows, flaps = EXCLUDED.flaps,
  last_window = EXCLUDED.last_window, updated_at = now()
WHERE event_envelope.tenant_id = EXCLUDED.tenant_id
  AND (event_envelope.last_window IS NULL OR event_envelope.last_window <= EXCLUDED.last_window)
