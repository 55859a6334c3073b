/**
 * One case of the window benchmark, in its own process (see window.ts): opens a fresh database,
 * runs a warm-up window at 1× (a long-running process has a warm JIT and a loaded pattern
 * dictionary), then the measured window of each named job, concurrently when there are several.
 */
import type { Dataset } from '../../src/core/records.js';
import { childMain, markPhase } from '../lib/child.js';
import { openBenchDb } from '../lib/db.js';
import { BENCH_JOBS, jobWindow, type JobName } from '../lib/jobs.js';
import { runWindow, seedTenants } from '../../test/helpers/job-harness.js';
import { maxRssMb, MemoryPeaks } from '../lib/memory.js';
import type { DbKind } from '../lib/record.js';
import { MockSource } from '../../src/sources/mock/mock-source.js';
import { mockConfigSchema } from '../../src/sources/mock/config.js';
import { mockSource, seconds, TimedDb, TimedSource } from '../lib/sources.js';

export interface WindowCaseArgs {
  jobs: JobName[];
  db: DbKind;
  /** Multiplies the seed's per-minute volume. */
  scale: number;
  /** Per-minute volumes instead of the seed's (memory cases); scale still multiplies them. */
  perMinute?: Partial<Record<'logs' | 'metrics' | 'spans', number>>;
  warmup: boolean;
  /** false: the jobs run with `discovery.enabled: false` (what attribute discovery costs). */
  discovery?: boolean;
  /** A migrated PGlite data directory to start from (see writePgliteTemplate). */
  pgliteTemplate?: string;
}

export interface WindowCaseResult {
  totalS: number;
  /** Per job (meaningful as a split only when one job runs). */
  jobs: { job: JobName; records: number; sourceS: number; writeS: number; rowsWritten: Record<string, number> }[];
  /** Statements outside the write transaction (dictionary load), s. */
  dbOtherS: number;
  /** Peak RSS during the measured window, sampled in this process (chunk boundaries and a 20 ms timer). */
  peakRssMb: number;
  peakHeapUsedMb: number;
  /** The kernel's peak RSS over the whole process (database start-up and warm-up included). */
  processMaxRssMb: number;
  /** CPU time of this process during the window (PGlite's work included, a server's not), s. */
  cpuS: number;
  rssBeforeMb: number;
  heapBeforeMb: number;
}

async function runCase(a: WindowCaseArgs): Promise<WindowCaseResult> {
  const bdb = await openBenchDb(a.db, a.pgliteTemplate ? { pgliteTemplate: a.pgliteTemplate } : {});
  try {
    const [tenant] = await seedTenants(bdb.db, ['bench']);
    const jobs = a.jobs.map((n) => ({ spec: BENCH_JOBS[n], def: BENCH_JOBS[n].make() }));
    const extra = a.discovery === false ? { discovery: { enabled: false } } : {};
    if (a.warmup) {
      const warm = mockSource(1);
      for (const j of jobs) await runWindow(bdb.db, j.def, tenant!, jobWindow(j.spec, -1), warm, {}, {}, extra);
    }
    const source = new MockSource(
      mockConfigSchema.parse({ kind: 'mock', seed: 1, scale: a.scale, per_minute: a.perMinute ?? {} }),
    );
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage();
    const peaks = new MemoryPeaks().start();
    const db = new TimedDb(bdb.db);
    const timed = jobs.map(() => new TimedSource(source, 4096, () => peaks.sample()));
    await markPhase('start');
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const results = await Promise.all(
      jobs.map((j, i) => runWindow(db, j.def, tenant!, jobWindow(j.spec, 0), timed[i]!, {}, {}, extra)),
    );
    const totalS = seconds(process.hrtime.bigint() - t0);
    const cpu = process.cpuUsage(cpu0);
    peaks.stop();
    await markPhase('end');
    return {
      totalS,
      jobs: jobs.map((j, i) => {
        const read = results[i]!.result.recordsRead ?? {};
        return {
          job: j.spec.name,
          records: read[j.spec.dataset as Dataset] ?? timed[i]!.timings.records,
          sourceS: seconds(timed[i]!.timings.sourceNs),
          writeS: seconds(db.timings.txNs),
          rowsWritten: results[i]!.result.rowsWritten ?? {},
        };
      }),
      dbOtherS: seconds(db.timings.otherNs),
      peakRssMb: peaks.rssMb,
      processMaxRssMb: maxRssMb(),
      cpuS: (cpu.user + cpu.system) / 1e6,
      peakHeapUsedMb: peaks.heapUsedMb,
      rssBeforeMb: before.rss / 2 ** 20,
      heapBeforeMb: before.heapUsed / 2 ** 20,
    };
  } finally {
    await bdb.close();
  }
}

childMain(runCase);
