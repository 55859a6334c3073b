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
import { driveRuntime, workerMain } from './worker-process.js';

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
  return driveRuntime(runtime, db, { mode: spec.mode, label: spec.label, tick: spec.tick });
}

workerMain<WorkerSpec>('test-worker', main);
