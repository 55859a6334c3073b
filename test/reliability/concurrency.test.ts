/**
 * Scenario 4 — concurrency (server only). Three worker processes share one server schema and drain
 * 100 minutes × 3 tenants of oo-metrics (300 one-minute windows) plus the oo-calls and oo-logs
 * windows of the same range (20 + 20 per tenant). One process is killed with SIGKILL while it holds
 * windows and a replacement is started; every window must end `success` exactly once, the work must
 * really be shared, and the summary tables must equal a clean reference run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OnceSummary } from '../../src/runner/runtime.js';
import { drivers, openTestDb } from '../helpers/db.js';
import { checkRuns, compareRows, summaryRows } from '../helpers/reliability/checksum.js';
import { exitWithin, onceOnServer, spawnWorker, waitFor, type Spawned } from '../helpers/reliability/procs.js';
import { referenceRows } from '../helpers/reliability/reference.js';
import { report } from '../helpers/reliability/report.js';
import { enqueueRange, MIN, T0, type RelSetup } from '../helpers/reliability/setup.js';

const LEASE = 2_000;

function summaryOf(stdout: string): OnceSummary {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as OnceSummary;
}

describe('reliability: concurrency', () => {
  it(
    'server: 3 processes × (100 windows × 3 tenants + calls and logs), one killed and restarted; every window once',
    { skip: drivers().includes('postgres') ? false : 'needs DATABASE_URL', timeout: 300_000 },
    async () => {
      const setup: RelSetup = { tenants: ['t1', 't2', 't3'], jobs: ['oo-metrics', 'oo-calls', 'oo-logs'] };
      const from = T0;
      const to = T0 + 100 * MIN;
      const reference = referenceRows(setup, from, to, 'postgres');
      const t = await openTestDb('postgres');
      try {
        const windows = await enqueueRange(t.db, setup, from, to);
        const spec = onceOnServer(t.schema!, setup, LEASE);
        const started = Date.now();
        const procs = new Map<string, Spawned>([
          ['A', spawnWorker(spec('A'))],
          ['B', spawnWorker(spec('B'))],
          ['C', spawnWorker(spec('C'))],
        ]);
        const done = async () => {
          const r = await t.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM etl_job_run WHERE status = 'success'`,
          );
          return r.rows[0]!.n;
        };
        // Kill B once a third of the work is done, at a moment it holds windows.
        await waitFor('a third of the windows', async () => (await done()) >= windows / 3, 120_000, 50);
        const heldByB = async () =>
          (
            await t.db.query<{ k: string }>(
              `SELECT job || '|' || tenant_id || '|' || window_from::text AS k FROM etl_job_run
               WHERE status = 'running' AND locked_by = 'B'`,
            )
          ).rows.map((x) => x.k);
        await waitFor(
          'B to hold a window',
          async () => (await heldByB()).length > 0 || procs.get('B')!.child.exitCode !== null,
          60_000,
          5,
        );
        assert.equal(procs.get('B')!.child.exitCode, null, 'B finished before it could be killed');
        const killedAt = Date.now();
        procs.get('B')!.child.kill('SIGKILL');
        const killed = await procs.get('B')!.exit;
        assert.equal(killed.signal, 'SIGKILL');
        // What B held when it died (it may have finished the window seen above just before): read
        // well inside the lease, before anyone can re-claim it.
        const held = await heldByB();
        const successBeforeRestart = await done();
        procs.delete('B');
        procs.set('B2', spawnWorker(spec('B2')));

        const summaries = new Map<string, OnceSummary>();
        for (const [label, p] of procs) {
          const e = await exitWithin(p, 240_000);
          assert.ok(e, `${label} finished in time`);
          assert.equal(e.code, 0, `${label}: ${e.stdout} ${e.stderr.slice(0, 2000)}`);
          summaries.set(label, summaryOf(e.stdout));
        }
        const elapsed = Date.now() - started;

        // The windows B held were re-run by someone else after its lease ran out.
        const fin = await t.db.query<{ k: string; finished_at: Date; attempt: number }>(
          `SELECT job || '|' || tenant_id || '|' || window_from::text AS k, finished_at, attempt FROM etl_job_run`,
        );
        const byKey = new Map(fin.rows.map((r) => [r.k, r]));
        let recovery = 0;
        for (const k of held) {
          const row = byKey.get(k);
          assert.ok(row, `held window ${k} exists`);
          assert.ok(row.attempt >= 2, `held window ${k} was re-claimed (attempt ${row.attempt})`);
          recovery = Math.max(recovery, row.finished_at.getTime() - killedAt);
        }

        const runs = await checkRuns(t.db, setup.jobs);
        assert.equal(runs.runs, windows);
        assert.deepEqual(runs.notSuccess, []);
        assert.equal(runs.duplicates, 0);
        // Every success was recorded by exactly one process: the survivors' own counts plus what B
        // finished before it died cannot exceed the windows (a double run would push it over).
        const survivors = [...summaries.values()].reduce((n, s) => n + s.succeeded, 0);
        assert.ok(survivors <= windows, `survivors report ${survivors} successes for ${windows} windows`);
        assert.ok(survivors >= windows - successBeforeRestart, 'survivors ran everything B did not');
        for (const [label, s] of summaries)
          if (label !== 'B2') assert.ok(s.succeeded > windows / 10, `${label} did a share (${s.succeeded})`);

        const cmp = compareRows(await reference, await summaryRows(t.db));
        report('concurrency', {
          processes: 3,
          kills: 1,
          windows,
          per_process: [...summaries].map(([l, s]) => `${l}=${s.succeeded}`).join(' '),
          b_done_before_kill: windows - survivors,
          held_at_kill: held.length,
          rows_compared: cmp.rows,
          differences: cmp.differences,
          slowest_kill_to_success_ms: recovery,
          total_ms: elapsed,
        });
        assert.equal(cmp.differences, 0, JSON.stringify(cmp.tables, null, 1));
      } finally {
        await t.close();
      }
    },
  );
});
