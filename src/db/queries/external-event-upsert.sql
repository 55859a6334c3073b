-- POST /api/events: one event from outside, keyed by (tenant, source, external_id). Posting it again
-- updates the row (an identical post writes identical values); `resolved` resolves it; `open` after
-- `resolved` reopens it (flaps + 1) unless it started before the resolution: a late retry of the
-- firing notification never reopens a resolved alert. Acknowledgements are never touched here.
-- $1 tenant_id, $2 source, $3 external_id, $4 status, $5 severity, $6 kind, $7 title, $8 summary,
-- $9 labels, $10 resource urn, $11 value, $12 started_at, $13 resolved_at, $14 now
INSERT INTO event_envelope AS e (detected_at, tenant_id, resource_id, severity, kind, title, summary, labels, status,
                                 source, external_id, first_seen, last_seen, resolved_at, value, peak_value, windows,
                                 updated_at)
VALUES ($12::timestamptz, $1, (SELECT resource_id FROM dim_resource WHERE tenant_id = $1 AND urn = $10), $5::severity,
        $6, $7, $8, $9::jsonb, $4, $2, $3, $12::timestamptz, $14::timestamptz, $13::timestamptz, $11, $11, 1, now())
ON CONFLICT (tenant_id, source, external_id) WHERE external_id IS NOT NULL DO UPDATE SET
  resource_id = EXCLUDED.resource_id, severity = EXCLUDED.severity, kind = EXCLUDED.kind, title = EXCLUDED.title,
  summary = EXCLUDED.summary, labels = EXCLUDED.labels, status = EXCLUDED.status,
  first_seen = least(e.first_seen, EXCLUDED.first_seen), last_seen = greatest(e.last_seen, EXCLUDED.last_seen),
  resolved_at = EXCLUDED.resolved_at, value = EXCLUDED.value,
  peak_value = CASE WHEN e.peak_value IS NULL OR EXCLUDED.value > e.peak_value THEN EXCLUDED.value ELSE e.peak_value END,
  flaps = e.flaps + CASE WHEN e.status = 'resolved' AND EXCLUDED.status = 'open' THEN 1 ELSE 0 END,
  updated_at = now()
WHERE NOT (e.status = 'resolved' AND EXCLUDED.status = 'open' AND EXCLUDED.first_seen <= e.resolved_at)
RETURNING event_id::text AS event_id, (xmax = 0) AS inserted, status
