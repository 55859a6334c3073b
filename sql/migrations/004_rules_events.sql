-- Events with evidence (src/rules/, issue #14).
--  * event_envelope gets a lifecycle: status (open/resolved), first/last seen, peak, windows, flaps,
--    an acknowledgement, and where it came from (rules, alertmanager, cloudevent, api). A rules event
--    is keyed by its fingerprint (md5 of rule id + group key); its event_id is derived from the
--    fingerprint and the window that opened it, so re-running that window upserts the same row.
--  * last_window is the start of the newest rules window that wrote the event: an older window run
--    again (replay) never rolls the event back.
--  * rule_state holds one row per (rules window, rule, group key) for the keys that fire, wait to
--    fire (`for`), have an open event, or were just resolved: the next window derives its lifecycle
--    from the previous window's rows only, so a window re-run reads the same input and writes the
--    same rows. Keys that are quiet and have no event have no row.
--  * evidence_link.added_window records which rules window added a link, so a re-run replaces exactly
--    the links it added (a link first added by an earlier window stays).
ALTER TABLE event_envelope
  ADD COLUMN status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  ADD COLUMN source       TEXT NOT NULL DEFAULT 'rules',
  ADD COLUMN rule_id      TEXT,
  ADD COLUMN fingerprint  TEXT,
  ADD COLUMN group_key    JSONB,
  ADD COLUMN first_seen   TIMESTAMPTZ,
  ADD COLUMN last_seen    TIMESTAMPTZ,
  ADD COLUMN resolved_at  TIMESTAMPTZ,
  ADD COLUMN value        DOUBLE PRECISION,
  ADD COLUMN peak_value   DOUBLE PRECISION,
  ADD COLUMN windows      INT NOT NULL DEFAULT 0,
  ADD COLUMN flaps        INT NOT NULL DEFAULT 0,
  ADD COLUMN opened_window TIMESTAMPTZ,
  ADD COLUMN last_window  TIMESTAMPTZ,
  ADD COLUMN acked_at     TIMESTAMPTZ,
  ADD COLUMN acked_by     TEXT,
  ADD COLUMN ack_note     TEXT,
  ADD COLUMN external_id  TEXT,
  ADD COLUMN updated_at   TIMESTAMPTZ DEFAULT now();
CREATE INDEX idx_event_status ON event_envelope(tenant_id, status, detected_at DESC);
CREATE INDEX idx_event_fingerprint ON event_envelope(tenant_id, fingerprint);
-- An external event (alertmanager alert, CloudEvent) posted twice is one event.
CREATE UNIQUE INDEX ux_event_external ON event_envelope(tenant_id, source, external_id) WHERE external_id IS NOT NULL;

ALTER TABLE evidence_link ADD COLUMN added_window TIMESTAMPTZ;
CREATE INDEX idx_evidence_added ON evidence_link(added_window) WHERE added_window IS NOT NULL;

CREATE TABLE rule_state (
  window_from  TIMESTAMPTZ NOT NULL,
  tenant_id    BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  rule_id      TEXT NOT NULL,
  group_key    TEXT NOT NULL,
  phase        TEXT NOT NULL CHECK (phase IN ('pending', 'open', 'resolved')),
  firing       BOOLEAN NOT NULL,
  value        DOUBLE PRECISION,
  fire_streak  INT NOT NULL,
  clear_streak INT NOT NULL,
  windows      INT NOT NULL,
  flaps        INT NOT NULL,
  peak_value   DOUBLE PRECISION,
  event_id     UUID,
  opened_window TIMESTAMPTZ,
  PRIMARY KEY (window_from, tenant_id, rule_id, group_key)
);
CREATE INDEX idx_rule_state_key ON rule_state(tenant_id, rule_id, group_key, window_from DESC);
