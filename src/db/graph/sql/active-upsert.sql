-- Upserts the tenant's active edges ($2: JSON array, one object per edge; $3: the window's end).
-- first_seen keeps the earliest time the edge has been seen since it last became active (LEAST also
-- keeps it right when an older window is replayed); every other figure is the latest 10-minute one.
INSERT INTO graph_active_edge AS g
       (tenant_id, src_resource_id, dst_resource_id, first_seen, last_seen, calls, errors, rps, err_rate, p95_ms,
        refreshed_to)
SELECT $1, a.src, a.dst, a.first_seen, a.last_seen, a.calls, a.errors, a.rps, a.err_rate, a.p95_ms, $3
  FROM jsonb_to_recordset($2::jsonb) AS a(src bigint, dst bigint, first_seen timestamptz, last_seen timestamptz,
                                          calls bigint, errors bigint, rps float8, err_rate float8, p95_ms float8)
ON CONFLICT (tenant_id, src_resource_id, dst_resource_id) DO UPDATE
   SET first_seen   = LEAST(g.first_seen, EXCLUDED.first_seen),
       last_seen    = EXCLUDED.last_seen,
       calls        = EXCLUDED.calls,
       errors       = EXCLUDED.errors,
       rps          = EXCLUDED.rps,
       err_rate     = EXCLUDED.err_rate,
       p95_ms       = EXCLUDED.p95_ms,
       refreshed_to = EXCLUDED.refreshed_to
