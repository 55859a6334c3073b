/**
 * Test jobs for the queue, scheduler and runner tests (and test-worker.ts): each execution that
 * succeeds is recorded in `test_exec` inside the job's own transaction, together with the success
 * mark, so a row there means "this window was run to success by this worker" exactly as for a real
 * job. Starts are recorded in `test_start` outside any transaction (they survive a crash).
 */
import { configSchema, type ParsedConfig } from '../../src/config/schema.js';
import type { Window } from '../../src/core/window.js';
import type { Queryable } from '../../src/db/types.js';
import type { JobDefinition } from '../../src/jobs/job.js';

export const MIN = 60_000;

export async function createTestTables(db: Queryable): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS test_exec (
      seq BIGSERIAL PRIMARY KEY, job TEXT NOT NULL, tenant_id BIGINT NOT NULL,
      window_from TIMESTAMPTZ NOT NULL, window_to TIMESTAMPTZ NOT NULL, worker TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS test_start (
      seq BIGSERIAL PRIMARY KEY, job TEXT NOT NULL, tenant_id BIGINT NOT NULL,
      window_from TIMESTAMPTZ NOT NULL, worker TEXT NOT NULL);`);
}

export interface TestJobOptions {
  name: string;
  align?: number;
  delay?: number;
  after?: { job: string; lookbehind: number }[];
  sequential?: boolean;
  /** Sleep this long (honouring the abort signal) before writing. */
  sleepMs?: number;
  /** Written to test_exec/test_start.worker. */
  worker?: string;
  /** Record starts in test_start (one autocommit insert per execution). */
  recordStarts?: boolean;
  /** Throw this error on the n-th call (1-based, per window, in this process), or nothing. */
  fail?: (call: number, w: Window, tenantId: number) => Error | undefined;
  /** Called when an execution starts (tests observe concurrency and order here). */
  onStart?: (w: Window, tenantId: number) => void;
  onEnd?: (w: Window, tenantId: number) => void;
  /** Do not call ctx.complete: let the runner complete the run in its own transaction. */
  noComplete?: boolean;
}

export function testJob(o: TestJobOptions): JobDefinition {
  const calls = new Map<string, number>();
  return {
    name: o.name,
    align: o.align ?? 5 * MIN,
    delay: o.delay ?? 2 * MIN,
    ...(o.after ? { after: o.after } : {}),
    ...(o.sequential ? { sequential: true } : {}),
    async run(ctx, tenant, w) {
      const key = `${tenant.id}:${w.from}`;
      const call = (calls.get(key) ?? 0) + 1;
      calls.set(key, call);
      o.onStart?.(w, tenant.id);
      try {
        if (o.recordStarts) {
          await ctx.db.query(
            'INSERT INTO test_start(job, tenant_id, window_from, worker) VALUES ($1, $2, $3::timestamptz, $4)',
            [o.name, tenant.id, new Date(w.from).toISOString(), o.worker ?? 'test'],
          );
        }
        if (o.sleepMs) await sleep(o.sleepMs, ctx.signal);
        const err = o.fail?.(call, w, tenant.id);
        if (err) throw err;
        const result = { call };
        if (o.noComplete) {
          await recordExec(ctx.db, o, tenant.id, w);
          return result;
        }
        await ctx.db.transaction(async (tx) => {
          await recordExec(tx, o, tenant.id, w);
          await ctx.complete(tx, result);
        });
        return result;
      } finally {
        o.onEnd?.(w, tenant.id);
      }
    },
  };
}

async function recordExec(db: Queryable, o: TestJobOptions, tenantId: number, w: Window): Promise<void> {
  await db.query(
    'INSERT INTO test_exec(job, tenant_id, window_from, window_to, worker) VALUES ($1, $2, $3::timestamptz, $4::timestamptz, $5)',
    [o.name, tenantId, new Date(w.from).toISOString(), new Date(w.to).toISOString(), o.worker ?? 'test'],
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface ExecRow {
  seq: number;
  job: string;
  tenant_id: number;
  from: string;
  worker: string;
}

export async function execRows(db: Queryable, job?: string): Promise<ExecRow[]> {
  const r = await db.query<{ seq: number; job: string; tenant_id: number; window_from: Date; worker: string }>(
    `SELECT seq, job, tenant_id, window_from, worker FROM test_exec ${job ? 'WHERE job = $1' : ''} ORDER BY seq`,
    job ? [job] : [],
  );
  return r.rows.map((x) => ({ ...x, from: x.window_from.toISOString() }));
}

export interface RunRow {
  job: string;
  tenant_id: number;
  from: string;
  to: string;
  status: string;
  attempt: number;
  last_error: string | null;
  locked_by: string | null;
}

export async function runRows(db: Queryable, job?: string): Promise<RunRow[]> {
  const r = await db.query<{
    job: string;
    tenant_id: number;
    window_from: Date;
    window_to: Date;
    status: string;
    attempt: number;
    last_error: string | null;
    locked_by: string | null;
  }>(
    `SELECT job, tenant_id, window_from, window_to, status, attempt, last_error, locked_by FROM etl_job_run
     ${job ? 'WHERE job = $1' : ''} ORDER BY job, tenant_id, window_from`,
    job ? [job] : [],
  );
  return r.rows.map((x) => ({
    job: x.job,
    tenant_id: x.tenant_id,
    from: x.window_from.toISOString(),
    to: x.window_to.toISOString(),
    status: x.status,
    attempt: x.attempt,
    last_error: x.last_error,
    locked_by: x.locked_by,
  }));
}

/** A validated config for tests: tenants `t1..tN` on an inline mock source, plus the given blocks. */
export function testConfig(raw: {
  tenants?: number | Record<string, unknown>[];
  jobs?: Record<string, unknown>;
  scheduler?: Record<string, unknown>;
  lookback?: string;
}): ParsedConfig {
  const tenants =
    typeof raw.tenants === 'object'
      ? raw.tenants
      : Array.from({ length: raw.tenants ?? 1 }, (_, i) => ({
          code: `t${i + 1}`,
          source: { kind: 'mock' },
          initial_lookback: { default: raw.lookback ?? '30m' },
        }));
  return configSchema.parse({ tenants, jobs: raw.jobs ?? {}, scheduler: raw.scheduler ?? {} });
}
