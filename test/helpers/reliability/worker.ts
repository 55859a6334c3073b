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
  try {
    if (spec.mode === 'once') {
      const summary = await runtime.runOnce({ tick: false });
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

main(JSON.parse(process.argv[2] ?? '{}') as RelWorkerSpec).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`rel-worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
