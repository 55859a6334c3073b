/**
 * Queue overhead (issue 3): how fast windows go through etl_job_run, without any job work.
 * - claim: windows claimed per second by one worker claiming batches of 10 (the claim statement
 *   alone, each window then marked success in its own transaction, untimed);
 * - no-op e2e: windows per second through the whole runner (claim, heartbeat, JobContext, success
 *   write in a transaction) with a job that does nothing, 8 workers in one process.
 * On PGlite (in memory) always, and on the server when DATABASE_URL is set.
 *
 *   node dist/bench/queue/queue.js        (prints a table, appends bench/results/queue.jsonl)
 */
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/core/clock.js';
import { migrate } from '../../src/db/migrate.js';
import { PgDb } from '../../src/db/pg-driver.js';
import { PgliteDb } from '../../src/db/pglite-driver.js';
import { syncTenants } from '../../src/db/tenants.js';
import type { Db } from '../../src/db/types.js';
import type { JobDefinition } from '../../src/jobs/job.js';
import { claim, type ClaimPair } from '../../src/queue/claim.js';
import { enqueueWindows } from '../../src/queue/enqueue.js';
import { markSuccess } from '../../src/queue/succeed.js';
import { Runtime } from '../../src/runner/runtime.js';
import { testConfig } from '../../test/helpers/test-jobs.js';
import { appendRecords, runInfo, toRecords } from '../lib/record.js';

const MIN = 60_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const NOW = T0 + 30 * 24 * 60 * MIN;

export interface QueueBenchCase {
  case: string;
  db: 'pglite' | 'postgres';
  metric: string;
  value: number;
  unit: string;
}

interface Target {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

async function open(kind: 'pglite' | 'postgres'): Promise<Target> {
  if (kind === 'pglite') {
    const db = await PgliteDb.open('memory://');
    await migrate(db);
    return { db, kind, close: () => db.close() };
  }
  const schema = `obbench_${randomBytes(4).toString('hex')}`;
  const db = await PgDb.open(process.env.DATABASE_URL!, { schema, max: 12 });
  await migrate(db);
  return {
    db,
    kind,
    async close() {
      await db.exec(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  };
}

async function seed(db: Db, job: string, tenants: number, perTenant: number): Promise<number[]> {
  const ts = await syncTenants(
    db,
    Array.from({ length: tenants }, (_, i) => ({ code: `t${i + 1}` })),
  );
  for (const t of ts) {
    await enqueueWindows(db, {
      job,
      tenantId: t.id,
      windows: Array.from({ length: perTenant }, (_, i) => ({ from: T0 + i * MIN, to: T0 + (i + 1) * MIN })),
      maxAttempts: 5,
      now: T0,
    });
  }
  return ts.map((t) => t.id);
}

/** Claims in batches of 10 until the queue is empty; only the claim statements are timed. */
export async function benchClaims(t: Target, tenants: number, perTenant: number): Promise<QueueBenchCase[]> {
  const ids = await seed(t.db, 'bench-claim', tenants, perTenant);
  const pairs: ClaimPair[] = ids.map((tenantId) => ({
    job: 'bench-claim',
    tenantId,
    upper: NOW,
    sequential: false,
    limit: 10,
    after: [],
  }));
  let claimed = 0;
  let timed = 0n;
  for (;;) {
    const t0 = process.hrtime.bigint();
    const runs = await claim(t.db, {
      workerId: 'bench',
      now: NOW,
      lease: MIN,
      limit: 10,
      pairs,
      slots: new Map([['bench-claim', 10]]),
    });
    timed += process.hrtime.bigint() - t0;
    if (runs.length === 0) break;
    claimed += runs.length;
    for (const r of runs) await t.db.transaction((tx) => markSuccess(tx, r, {}, NOW));
  }
  const secs = Number(timed) / 1e9;
  return [
    {
      case: `claim-batch10-${tenants}x${perTenant}`,
      db: t.kind,
      metric: 'claims_per_s',
      value: round(claimed / secs),
      unit: 'windows/s',
    },
    {
      case: `claim-batch10-${tenants}x${perTenant}`,
      db: t.kind,
      metric: 'claim_ms',
      value: round((secs * 1000 * 10) / claimed),
      unit: 'ms/claim of 10',
    },
  ];
}

/** Whole runner, a job that does nothing: claim + JobContext + success write per window. */
export async function benchNoop(t: Target, tenants: number, perTenant: number): Promise<QueueBenchCase[]> {
  const job: JobDefinition = { name: 'bench-noop', align: MIN, delay: 0, run: async () => ({}) };
  await seed(t.db, job.name, tenants, perTenant);
  const clock = new ManualClock(NOW);
  const runtime = await Runtime.create({
    config: testConfig({ tenants, jobs: { [job.name]: { concurrency: 8 } } }),
    db: t.db,
    jobs: [job],
    clock,
    sourceFactory: null,
    scheduler: { workers: 8, lease: 5 * MIN },
  });
  const t0 = process.hrtime.bigint();
  const s = await runtime.runOnce({ tick: false });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  await runtime.stop();
  if (s.succeeded !== tenants * perTenant)
    throw new Error(`expected ${tenants * perTenant} windows, ran ${s.succeeded}`);
  return [
    {
      case: `noop-e2e-8workers-${tenants}x${perTenant}`,
      db: t.kind,
      metric: 'windows_per_s',
      value: round(s.succeeded / secs),
      unit: 'windows/s',
    },
  ];
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

export async function runQueueBench(): Promise<QueueBenchCase[]> {
  const out: QueueBenchCase[] = [];
  const kinds: ('pglite' | 'postgres')[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  for (const kind of kinds) {
    const t = await open(kind);
    try {
      out.push(...(await benchClaims(t, 4, 500)));
      out.push(...(await benchNoop(t, 4, 500)));
    } finally {
      await t.close();
    }
  }
  return out;
}

/** Run directly (not through bench/run.ts): the results go where the runner would put them. */
function record(results: QueueBenchCase[]): void {
  appendRecords('queue', toRecords('queue', results, runInfo()));
}

if (process.argv[1]?.endsWith('queue.js')) {
  runQueueBench().then(
    (results) => {
      console.table(results);
      record(results);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
