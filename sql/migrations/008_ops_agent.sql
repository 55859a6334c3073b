-- The OPS agent's walking skeleton (seed 001, "如何设计 AI 驱动的 OPS Agent：漫谈状态机", §7).
-- The seed's tables, with the columns its own rules need:
--  * ops_case.status is checked against the FSM's states; version is the optimistic-lock counter.
--  * case_timeline keeps from/to status and whether the attempt was accepted: a failed guard changes
--    nothing but is recorded here (outcome 'rejected').
--  * outbox gains msg_id (the message id consumers dedupe on; also NATS's Nats-Msg-Id), attempts
--    and last_error; a partial index finds what is still to publish.
--  * idempotency keys are scoped by route and case (`transition:<case>:<key>`) and keep a hash of
--    the request, so a reused key with another body is refused instead of replaying a wrong answer.
--  * plan_approved references the plan it decided on; ops_inbox, ops_exec_step and ops_verify_run
--    are new: the consumers' dedupe table, each executed step (output referenced, not stored whole)
--    and each verification.

CREATE TABLE ops_case (
  id          UUID PRIMARY KEY,
  tenant      TEXT NOT NULL,
  title       TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN
                ('NEW','ANALYZING','PLANNING','WAIT_GATE','EXECUTING','VERIFYING','CLOSED','PARKED')),
  version     INT NOT NULL CHECK (version >= 1),
  -- What opened the case (an ObserveBridge event and its evidence), when it came from a signal.
  source      JSONB NOT NULL DEFAULT '{}'::jsonb,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ix_ops_case_tenant ON ops_case (tenant, created_at DESC);

CREATE TABLE case_timeline (
  id             BIGSERIAL PRIMARY KEY,
  case_id        UUID NOT NULL REFERENCES ops_case(id),
  event          TEXT NOT NULL,
  actor          TEXT,
  reason         TEXT,
  correlation_id TEXT,
  meta           JSONB NOT NULL DEFAULT '{}'::jsonb,
  from_status    TEXT,
  to_status      TEXT,
  -- The case version after this row (accepted) or the one the attempt saw (rejected, note).
  version        INT NOT NULL,
  outcome        TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'note')),
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ix_case_timeline_case ON case_timeline (case_id, id);

CREATE TABLE outbox (
  id           BIGSERIAL PRIMARY KEY,
  msg_id       TEXT NOT NULL UNIQUE,
  topic        TEXT NOT NULL,
  key          TEXT,
  payload      JSONB NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  published_at TIMESTAMPTZ,
  attempts     INT NOT NULL DEFAULT 0,
  last_error   TEXT
);
CREATE INDEX ix_outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

CREATE TABLE idempotency (
  key          TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  status       INT NOT NULL,
  response     JSONB,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE plan_proposed (
  id         UUID PRIMARY KEY,
  case_id    UUID NOT NULL REFERENCES ops_case(id),
  plan       JSONB NOT NULL,
  -- template:<name> or llm:<model>
  origin     TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ix_plan_proposed_case ON plan_proposed (case_id, created_at DESC);

CREATE TABLE plan_approved (
  id         UUID PRIMARY KEY,
  case_id    UUID NOT NULL REFERENCES ops_case(id),
  plan_id    UUID NOT NULL REFERENCES plan_proposed(id),
  decision   JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ix_plan_approved_case ON plan_approved (case_id, created_at DESC);

CREATE TABLE ops_inbox (
  consumer    TEXT NOT NULL,
  msg_id      TEXT NOT NULL,
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, msg_id)
);

CREATE TABLE ops_exec_step (
  id            BIGSERIAL PRIMARY KEY,
  case_id       UUID NOT NULL REFERENCES ops_case(id),
  plan_id       UUID REFERENCES plan_proposed(id),
  step_index    INT NOT NULL,
  attempt       INT NOT NULL,
  action        TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'timeout', 'refused', 'dry_run')),
  exit_code     INT,
  dry_run       BOOLEAN NOT NULL,
  output_ref    TEXT,
  output_bytes  BIGINT NOT NULL DEFAULT 0,
  output_sha256 TEXT,
  output_head   TEXT,
  error         TEXT,
  started_at    TIMESTAMPTZ NOT NULL,
  finished_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_ops_exec_step_case ON ops_exec_step (case_id, id);

CREATE TABLE ops_verify_run (
  id         BIGSERIAL PRIMARY KEY,
  case_id    UUID NOT NULL REFERENCES ops_case(id),
  plan_id    UUID REFERENCES plan_proposed(id),
  passed     BOOLEAN NOT NULL,
  result     JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
