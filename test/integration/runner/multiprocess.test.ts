/**
 * Several worker processes on one PostgreSQL server (test/helpers/test-worker.ts runs the same
 * Runtime as `observebridge run`). Server only: PGlite is an in-process database, one process.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncTenants } from '../../../src/db/tenants.js';
import type { Db } from '../../../src/db/types.js';
import { enqueueWindows } from '../../../src/queue/enqueue.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { repoRoot } from '../../helpers/paths.js';
import { createTestTables, execRows, MIN, runRows } from '../../helpers/test-jobs.js';
import type { WorkerSpec } from '../../helpers/test-worker.js';

const WORKER = join(repoRoot, 'dist', 'test', 'helpers', 'test-worker.js');
const T0 = Date.parse('2024-01-01T00:00:00Z');

interface Spawned {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

function spawnWorker(spec: WorkerSpec): Spawned {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit };
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms)),
  );
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function starts(db: Db, job: string): Promise<{ worker: string }[]> {
  return (await db.query<{ worker: string }>('SELECT worker FROM test_start WHERE job = $1 ORDER BY seq', [job])).rows;
}

if (!drivers().includes('postgres')) {
  describe('multi-process workers', () => {
    it(
      'needs a PostgreSQL server',
      { skip: 'PGlite is single-process; set DATABASE_URL to run these on a server' },
      () => {},
    );
  });
} else {
  describe('postgres: multi-process workers', () => {
    let t: TestDb;
    const url = process.env.DATABASE_URL!;
    const spec = (over: Partial<WorkerSpec> & Pick<WorkerSpec, 'label' | 'job'>): WorkerSpec => ({
      url,
      schema: t.schema!,
      mode: 'once',
      tick: false,
      lease: 2_000,
      workers: 4,
      tenants: 1,
      ...over,
    });
    before(async () => {
      t = await openTestDb('postgres');
      await createTestTables(t.db);
    });
    after(() => t.close());

    async function enqueue(job: string, tenants: number, windows: number, align: number): Promise<void> {
      const ts = await syncTenants(
        t.db,
        Array.from({ length: tenants }, (_, i) => ({ code: `t${i + 1}` })),
      );
      for (const tenant of ts) {
        await enqueueWindows(t.db, {
          job,
          tenantId: tenant.id,
          windows: Array.from({ length: windows }, (_, i) => ({ from: T0 + i * align, to: T0 + (i + 1) * align })),
          maxAttempts: 5,
          now: T0,
        });
      }
    }

    it('SIGKILL mid-window: after the lease expires another process completes it, once', async () => {
      const job = { name: 'sleepy', align: 5 * MIN, delay: 0, sleepMs: 3_000, recordStarts: true };
      await enqueue(job.name, 1, 1, 5 * MIN);
      const a = spawnWorker(spec({ label: 'A', job }));
      await waitFor('A to start the window', async () => (await starts(t.db, job.name)).length === 1);
      a.child.kill('SIGKILL');
      const killed = await a.exit;
      assert.equal(killed.signal, 'SIGKILL');
      const [mid] = await runRows(t.db, job.name);
      assert.deepEqual([mid!.status, mid!.locked_by], ['running', 'A'], 'A died holding the lease');

      const b = spawnWorker(spec({ label: 'B', job }));
      const done = await within(b.exit, 30_000, 'worker B');
      assert.equal(done.code, 0, done.stderr);
      assert.deepEqual(
        (await starts(t.db, job.name)).map((s) => s.worker),
        ['A', 'B'],
      );
      const exec = await execRows(t.db, job.name);
      assert.deepEqual(
        exec.map((e) => e.worker),
        ['B'],
        'run to success exactly once',
      );
      const [run] = await runRows(t.db, job.name);
      assert.deepEqual([run!.status, run!.attempt, run!.locked_by], ['success', 2, null]);
    });

    it('a paused worker that wakes up after losing its lease cannot complete the window again', async () => {
      const job = { name: 'zombie', align: 5 * MIN, delay: 0, sleepMs: 3_000, recordStarts: true };
      await enqueue(job.name, 1, 1, 5 * MIN);
      const a = spawnWorker(spec({ label: 'A', job }));
      await waitFor('A to start the window', async () => (await starts(t.db, job.name)).length === 1);
      a.child.kill('SIGSTOP');
      try {
        const b = spawnWorker(spec({ label: 'B', job }));
        const done = await within(b.exit, 30_000, 'worker B');
        assert.equal(done.code, 0, done.stderr);
      } finally {
        a.child.kill('SIGCONT');
      }
      const woke = await within(a.exit, 30_000, 'worker A');
      assert.equal(woke.code, 0, woke.stderr);
      assert.equal((JSON.parse(woke.stdout.trim()) as { succeeded: number }).succeeded, 0, 'A succeeded nothing');
      assert.deepEqual(
        (await execRows(t.db, job.name)).map((e) => e.worker),
        ['B'],
        "A's late completion was rolled back",
      );
      const [run] = await runRows(t.db, job.name);
      assert.deepEqual([run!.status, run!.attempt], ['success', 2]);
    });

    it('3 processes, 200 windows: every window succeeds exactly once', async () => {
      const job = { name: 'conc', align: MIN, delay: 0, sleepMs: 40 };
      await enqueue(job.name, 2, 100, MIN);
      const t0 = Date.now();
      const procs = ['P1', 'P2', 'P3'].map((label) => spawnWorker(spec({ label, job, tenants: 2, lease: 10_000 })));
      const ends = await within(Promise.all(procs.map((p) => p.exit)), 60_000, '3 workers');
      const elapsed = Date.now() - t0;
      for (const e of ends) assert.equal(e.code, 0, e.stderr);
      const summaries = ends.map((e) => JSON.parse(e.stdout.trim().split('\n').pop()!) as { succeeded: number });
      assert.equal(
        summaries.reduce((s, x) => s + x.succeeded, 0),
        200,
      );
      const exec = await execRows(t.db, job.name);
      assert.equal(exec.length, 200);
      assert.equal(new Set(exec.map((e) => `${e.tenant_id}@${e.from}`)).size, 200, 'no window twice');
      const runs = await runRows(t.db, job.name);
      assert.equal(runs.length, 200);
      assert.ok(runs.every((r) => r.status === 'success' && r.attempt === 1));
      const perWorker = new Map<string, number>();
      for (const e of exec) perWorker.set(e.worker, (perWorker.get(e.worker) ?? 0) + 1);
      assert.ok(perWorker.size >= 2, `work was shared (${JSON.stringify([...perWorker])})`);
      process.stderr.write(`# 3 processes, 200 windows: ${elapsed} ms, per worker ${JSON.stringify([...perWorker])}\n`);
    });
  });
}
