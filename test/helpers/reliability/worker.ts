/**
 * A worker process for the reliability scenarios: the same Runtime as `observebridge run`, with the
 * real built-in jobs and the mock source, on a server schema or a PGlite directory the test
 * prepared (migrated, windows enqueued). One JSON argument (RelWorkerSpec). `once` runs what is
 * queued and prints a JSON OnceSummary; `serve` also ticks the scheduler and runs until SIGTERM.
 *
 *   node dist/test/helpers/reliability/worker.js '{"db":"postgres://…","schema":"obtest_…",…}'
 */
import { openDb } from '../../../src/db/open.js';
import { PgDb } from '../../../src/db/pg-driver.js';
import type { Db } from '../../../src/db/types.js';
import { builtInJobs } from '../../../src/jobs/index.js';
import { Runtime } from '../../../src/runner/runtime.js';
import { mockFactory, relConfig, type RelSetup } from './setup.js';
import { driveRuntime, workerMain } from '../worker-process.js';

export interface RelWorkerSpec {
  /** postgres:// URL or a PGlite directory. */
  db: string;
  /** Server only: the test's schema. */
  schema?: string;
  label: string;
  mode: 'once' | 'serve';
  setup: RelSetup;
  lease: number;
  workers: number;
}

async function main(spec: RelWorkerSpec): Promise<number> {
  const db: Db = spec.schema
    ? await PgDb.open(spec.db, { schema: spec.schema, max: spec.workers + 2 })
    : await openDb(spec.db);
  const runtime = await Runtime.create({
    config: relConfig(spec.setup),
    db,
    jobs: builtInJobs(),
    workerId: spec.label,
    sourceFactory: mockFactory,
    scheduler: { lease: spec.lease, workers: spec.workers, tick: 300 },
    pollInterval: 100,
  });
  return driveRuntime(runtime, db, { mode: spec.mode, label: spec.label, tick: false });
}

workerMain<RelWorkerSpec>('rel-worker', main);
