/**
 * Issue 18 "use every core": a multi-window backfill in one `run --once` process with 1 thread and
 * with N worker threads (src/runner/threads.ts) on the PostgreSQL server: 2 mock tenants (the
 * demo's acme and globex) × oo-calls + oo-logs over `--hours` of data at `--scale`, every window
 * queued first, then drained. Per thread count: wall time, this process's CPU time (all its
 * threads: getrusage), the CPU the whole machine spent meanwhile (/proc/stat: the PostgreSQL server
 * and anything else running too), and the wall-time ratio against 1 thread. The summary tables of
 * every run are compared with the first run's: a speed-up that changed the results is no speed-up.
 *
 *   DATABASE_URL=postgres://… node dist/bench/run.js threads [--scale 1] [--hours 1] [--threads 1,2]
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { syncTenants } from '../../src/db/tenants.js';
import { builtInJobs } from '../../src/jobs/index.js';
import { enqueueWindows } from '../../src/queue/enqueue.js';
import { Runtime } from '../../src/runner/runtime.js';
import { runOnceThreaded, workersPerThread } from '../../src/runner/threads.js';
import { demoTenantsYaml } from '../../test/helpers/demo-tenants.js';
import { compareRows, summaryRows, type TableRows } from '../../test/helpers/reliability/checksum.js';
import { windowsOf } from '../../test/helpers/reliability/setup.js';
import { numberFlag, numberListFlag, parseFlags } from '../lib/args.js';
import { openBenchDb } from '../lib/db.js';
import type { Measurement } from '../lib/record.js';

const MIN = 60_000;
const T0 = Date.parse('2024-03-01T00:00:00Z');
const JOBS = ['oo-calls', 'oo-logs'];

/** Busy and total jiffies of the whole machine (all cores) from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export async function runThreadsBench(argv: readonly string[]): Promise<Measurement[]> {
  if (!process.env.DATABASE_URL) throw new Error('threads: needs DATABASE_URL (worker threads need a server)');
  const flags = parseFlags(argv, ['scale', 'hours', 'threads']);
  const scale = numberFlag(flags, 'scale', 1);
  const hours = numberFlag(flags, 'hours', 1);
  const counts = numberListFlag(flags, 'threads', [1, 2]);
  const dir = mkdtempSync(join(tmpdir(), 'ob-bench-threads-'));
  const cfgPath = join(dir, 'config.yaml');
  writeFileSync(cfgPath, demoTenantsYaml(scale, JOBS, 'scheduler: {workers: 4}'));
  const cfg = loadConfig(cfgPath, {}).config;
  const out: Measurement[] = [];
  const note = `2 tenants × ${JOBS.join(' + ')}, ${hours} h at scale ${scale}, 4 workers per process (shared out among the threads)`;
  let reference: TableRows | undefined;
  let wall1: number | undefined;
  try {
    for (const threads of counts) {
      const b = await openBenchDb('postgres');
      try {
        let windows = 0;
        for (const t of await syncTenants(b.db, cfg.tenants))
          for (const job of JOBS) {
            const ws = windowsOf(cfg, job, T0, T0 + hours * 60 * MIN);
            await enqueueWindows(b.db, { job, tenantId: t.id, windows: ws, maxAttempts: 5, now: T0 });
            windows += ws.length;
          }
        const runtime = await Runtime.create({
          config: cfg,
          db: b.db,
          jobs: builtInJobs({ configPath: cfgPath }),
          workerId: 'bench-main',
          scheduling: false,
          scheduler: { workers: workersPerThread(cfg, threads) },
        });
        const cpu0 = process.cpuUsage();
        const m0 = machineCpu();
        const t0 = performance.now();
        const run = runOnceThreaded(
          runtime,
          threads,
          {
            configPath: cfgPath,
            dbTarget: process.env.DATABASE_URL,
            schema: b.schema!,
            grace: 0,
            scheduler: { workers: workersPerThread(cfg, threads) },
          },
          { tick: false },
        );
        const s = await run.result;
        const wall = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const m1 = machineCpu();
        await run.stop(0);
        if (!s.ok || s.succeeded !== windows) throw new Error(`threads ${threads}: ${JSON.stringify(s)}`);
        const rows = await summaryRows(b.db);
        reference ??= rows;
        const diff = compareRows(reference, rows).differences;
        if (diff !== 0) throw new Error(`threads ${threads}: ${diff} summary rows differ from the first run`);
        const cpuMs = (cpu.user + cpu.system) / 1000;
        const machineCores = ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 2;
        const c = `threads-${threads}`;
        const per = `per thread ${JSON.stringify(s.per_thread.map((p) => p?.succeeded ?? null))}`;
        out.push(
          { case: c, db: 'postgres', metric: 'wall', value: Math.round(wall), unit: 'ms', note: `${note}; ${per}` },
          { case: c, db: 'postgres', metric: 'windows', value: windows, unit: 'count', note },
          { case: c, db: 'postgres', metric: 'process_cpu', value: Math.round(cpuMs), unit: 'ms', note },
          {
            case: c,
            db: 'postgres',
            metric: 'process_cores',
            value: Math.round((cpuMs / wall) * 100) / 100,
            unit: 'cores',
            note: 'process CPU / wall: how many cores the JS threads kept busy',
          },
          {
            case: c,
            db: 'postgres',
            metric: 'machine_cores',
            value: Math.round(machineCores * 100) / 100,
            unit: 'cores',
            note: 'busy cores of the whole 2-core machine meanwhile (PostgreSQL and other work too)',
          },
        );
        if (threads === 1) wall1 = wall;
        else if (wall1 !== undefined)
          out.push({
            case: c,
            db: 'postgres',
            metric: 'speedup_vs_1',
            value: Math.round((wall1 / wall) * 100) / 100,
            unit: 'x',
            note: 'wall time of 1 thread / this; summary tables identical',
          });
      } finally {
        await b.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
