-- ETL metadata: the run table is both the state and the queue; the circuit table holds one breaker
-- per (job, tenant). Capabilities detected at migrate time are recorded for `doctor`.

CREATE TABLE etl_job_run (
  run_id       BIGSERIAL PRIMARY KEY,
  job          TEXT NOT NULL,
  tenant_id    BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  window_from  TIMESTAMPTZ NOT NULL,
  window_to    TIMESTAMPTZ NOT NULL,
  status       TEXT NOT NULL DEFAULT 'queued'
               CHECK (status IN ('queued', 'running', 'success', 'failed', 'dead')),
  attempt      INT NOT NULL DEFAULT 0,
  max_attempts INT NOT NULL DEFAULT 5,
  run_after    TIMESTAMPTZ NOT NULL DEFAULT '-infinity', -- not claimable before (backoff)
  lease_until  TIMESTAMPTZ,
  locked_by    TEXT,
  last_error   TEXT,
  stats        JSONB NOT NULL DEFAULT '{}'::jsonb,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  started_at   TIMESTAMPTZ,
  finished_at  TIMESTAMPTZ,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (window_to > window_from)
);
CREATE UNIQUE INDEX ux_job_once ON etl_job_run(job, tenant_id, window_from);
CREATE INDEX idx_run_claimable ON etl_job_run(run_after, window_to) WHERE status IN ('queued', 'failed');
CREATE INDEX idx_run_running_lease ON etl_job_run(lease_until) WHERE status = 'running';
CREATE INDEX idx_run_job_tenant_to ON etl_job_run(job, tenant_id, window_to DESC) WHERE status = 'success';

CREATE TABLE etl_job_circuit (
  job                  TEXT NOT NULL,
  tenant_id            BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  state                TEXT NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open')),
  consecutive_failures INT NOT NULL DEFAULT 0,
  opened_at            TIMESTAMPTZ,
  retry_at             TIMESTAMPTZ, -- when an open circuit lets one probe run through
  last_error           TEXT,
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (job, tenant_id)
);

CREATE TABLE ob_capability (
  name        TEXT PRIMARY KEY,             -- timescaledb, age, vector, pg_trgm, ...
  available   BOOLEAN NOT NULL,             -- offered by the server (pg_available_extensions)
  enabled     BOOLEAN NOT NULL,             -- created and in use
  variant     TEXT NOT NULL,                -- which DDL variant was applied
  version     TEXT,
  detected_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
