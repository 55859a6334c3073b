/**
 * A worker process for the multi-process tests: the same Runtime as `observebridge run`, with a
 * test job, on a server schema the test prepared. One JSON argument (WorkerSpec); prints a JSON
 * OnceSummary on stdout when it ends. `serve` runs until SIGTERM/SIGINT (graceful stop).
 *
 *   node dist/test/helpers/test-worker.js '{"url":"postgres://…","schema":"obtest_…",…}'
 */
import { PgDb } from '../../src/db/pg-driver.js';
import { Runtime } from '../../src/runner/runtime.js';
import { testConfig, testJob } from './test-jobs.js';

export interface WorkerSpec {
  url: string;
  schema: string;
  label: string;
  mode: 'once' | 'serve';
  /** Let the scheduler enqueue due windows (false: only run what the test enqueued). */
  tick: boolean;
  lease: number;
  workers: number;
  tenants: number;
  lookback?: string;
  job: { name: string; align: number; delay: number; sleepMs?: number; recordStarts?: boolean; concurrency?: number };
}

async function main(spec: WorkerSpec): Promise<number> {
  const db = await PgDb.open(spec.url, { schema: spec.schema, max: spec.workers + 2 });
  const config = testConfig({
    tenants: spec.tenants,
    lookback: spec.lookback ?? '5m',
    jobs: { [spec.job.name]: { concurrency: spec.job.concurrency ?? spec.workers } },
  });
  const runtime = await Runtime.create({
    config,
    db,
    jobs: [testJob({ ...spec.job, worker: spec.label })],
    workerId: spec.label,
    sourceFactory: null,
    scheduler: { lease: spec.lease, workers: spec.workers, tick: 500 },
    pollInterval: 100,
  });
  try {
    if (spec.mode === 'once') {
      const summary = await runtime.runOnce({ tick: spec.tick });
      process.stdout.write(JSON.stringify(summary) + '\n');
      return summary.ok ? 0 : 1;
    }
    await runtime.start();
    process.stdout.write(JSON.stringify({ started: spec.label }) + '\n');
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await runtime.stop(10_000);
    process.stdout.write(JSON.stringify(runtime.runner.outcomes) + '\n');
    return runtime.runner.fatal ? 1 : 0;
  } finally {
    await runtime.stop(0);
    await db.close();
  }
}

main(JSON.parse(process.argv[2] ?? '{}') as WorkerSpec).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`test-worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
