/**
 * Scenario 2 — database faults (server only). While a worker process runs the real jobs, the test
 * terminates the worker's server connections with pg_terminate_backend, preferring those inside a
 * transaction (a window's write half-done, a claim, a completion). The runs must fail cleanly, retry
 * and finish: summary tables equal the reference, each window `success` once.
 *
 * Server restarts (immediate and fast) are the second half of this scenario, server-restart.test.ts:
 * they run on a private throwaway cluster, since the shared test server must never be restarted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drivers, openTestDb } from '../helpers/db.js';
import { checkRuns, compareRows, summaryRows } from '../helpers/reliability/checksum.js';
import { prng, sleep, spawnWorker, waitFor } from '../helpers/reliability/procs.js';
import { referenceRows } from '../helpers/reliability/reference.js';
import { report } from '../helpers/reliability/report.js';
import { enqueueRange, MIN, T0, type RelSetup } from '../helpers/reliability/setup.js';

function withAppName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

describe('reliability: database faults', () => {
  it(
    'server: connections terminated mid-transaction; runs retry and finish with the reference tables',
    { skip: drivers().includes('postgres') ? false : 'needs DATABASE_URL', timeout: 120_000 },
    async () => {
      const setup: RelSetup = { tenants: ['a', 'b'], jobs: ['oo-metrics', 'oo-calls', 'oo-logs'] };
      const from = T0;
      const to = T0 + 90 * MIN;
      const reference = referenceRows(setup, from, to, 'postgres');
      const t = await openTestDb('postgres');
      try {
        const windows = await enqueueRange(t.db, setup, from, to);
        const app = `obrel_${t.schema!}`;
        const p = spawnWorker({
          db: withAppName(process.env.DATABASE_URL!, app),
          schema: t.schema!,
          label: 'W',
          mode: 'once',
          setup,
          lease: 3_000,
          workers: 2,
        });
        // Faults start once the worker claims windows: a failure during start-up simply ends the
        // process (exit 2, restarted by its supervisor), which scenario 1 already covers.
        await waitFor('the worker to claim', async () => {
          const r = await t.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM etl_job_run WHERE status <> 'queued'`,
          );
          return r.rows[0]!.n > 0 || p.child.exitCode !== null;
        });
        const rnd = prng(5);
        let terminated = 0;
        let midTransaction = 0;
        const t0 = Date.now();
        while (
          p.child.exitCode === null &&
          p.child.signalCode === null &&
          terminated < 25 &&
          Date.now() - t0 < 60_000
        ) {
          await sleep(50 + Math.floor(rnd() * 150));
          const r = await t.db.query<{ pid: number; in_tx: boolean }>(
            `SELECT pid, (xact_start IS NOT NULL) AS in_tx FROM pg_stat_activity
             WHERE application_name = $1 AND pid <> pg_backend_pid()
             ORDER BY (xact_start IS NOT NULL) DESC, random() LIMIT 1`,
            [app],
          );
          const victim = r.rows[0];
          if (!victim) continue;
          const k = await t.db.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [victim.pid]);
          if (k.rows[0]?.ok) {
            terminated++;
            if (victim.in_tx) midTransaction++;
          }
        }
        const faultsEnd = Date.now();
        const e = await p.exit;
        const recovery = Date.now() - faultsEnd;
        assert.equal(e.signal, null, `worker died: ${e.stderr.slice(0, 2000)}`);
        if (e.code !== 0) {
          const left = await t.db.query(
            `SELECT job, tenant_id, window_from, status, attempt, run_after, lease_until, last_error
             FROM etl_job_run WHERE status <> 'success'`,
          );
          const circuits = await t.db.query('SELECT * FROM etl_job_circuit');
          assert.fail(`worker exit ${e.code}: ${e.stdout} ${e.stderr.slice(0, 2000)}
unfinished: ${JSON.stringify(left.rows)}
circuits: ${JSON.stringify(circuits.rows)}`);
        }
        assert.ok(terminated >= 10, `only ${terminated} connections terminated`);
        const runs = await checkRuns(t.db, setup.jobs);
        assert.equal(runs.runs, windows);
        assert.deepEqual(runs.notSuccess, []);
        const retried = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM etl_job_run WHERE attempt > 1`);
        const cmp = compareRows(await reference, await summaryRows(t.db));
        report('db-faults', {
          terminated,
          mid_transaction: midTransaction,
          windows,
          windows_retried: retried.rows[0]!.n,
          rows_compared: cmp.rows,
          differences: cmp.differences,
          finish_after_last_fault_ms: recovery,
        });
        assert.equal(cmp.differences, 0, JSON.stringify(cmp.tables, null, 1));
      } finally {
        await t.close();
      }
    },
  );
});
