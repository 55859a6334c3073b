/**
 * Window benchmark (issue 9, item 1): end-to-end time of one window of each job from the mock
 * source into the database, at 1×, 10× and 100× the seed's per-minute volume, split into source
 * (generation), aggregation and writing, with peak RSS; plus the seed's memory cases (100k logs +
 * 20k spans, and 1M + 200k, in one window: oo-logs and oo-calls running concurrently).
 *
 * Every case runs in a fresh process (bench/window/case.ts) so that its peak RSS is its own.
 *   npm run bench -- window [--db pglite,postgres] [--scales 1,10,100] [--jobs oo-logs,...]
 *                           [--memory all|none|100k|1m] [--timeout <s per case>]
 *                           [--budget <s for all cases, default 420>] [--profile <dir>]   (a .cpuprofile per case: npm run bench -- profile <file>)
 *                           [--discovery on|off]   (off: without attribute discovery, cases named …-nodisc)
 */
import { runChild } from '../lib/child.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDbKinds, writePgliteTemplate } from '../lib/db.js';
import { BENCH_JOBS, JOB_NAMES, recordsPerWindow, type JobName } from '../lib/jobs.js';
import { listFlag, numberFlag, numberListFlag, parseFlags } from '../lib/args.js';
import { round } from '../lib/memory.js';
import { distFile } from '../lib/paths.js';
import type { DbKind, Measurement } from '../lib/record.js';
import { SEED_PER_MINUTE } from '../lib/sources.js';
import type { WindowCaseArgs, WindowCaseResult } from './case.js';

interface CaseSpec {
  name: string;
  args: WindowCaseArgs;
  note: string;
}

const MEMORY_CASES = {
  '100k': { name: 'mem-100k-logs-20k-spans', logs: 20_000, spans: 4_000 },
  '1m': { name: 'mem-1m-logs-200k-spans', logs: 200_000, spans: 40_000 },
} as const;

export function windowCases(opts: {
  dbs: DbKind[];
  scales: number[];
  jobs: JobName[];
  memory: (keyof typeof MEMORY_CASES)[];
  /** false: cases run without attribute discovery, named `…-nodisc`. */
  discovery?: boolean;
}): CaseSpec[] {
  const out: CaseSpec[] = [];
  // Order: small scales, the seed's memory case, large scales, the big memory case — so that a run
  // cut short by --budget keeps the figures the targets are stated for.
  const scales = [...opts.scales].sort((a, b) => a - b);
  const memory = [...opts.memory].sort((a, b) => (a === '100k' ? -1 : b === '100k' ? 1 : 0));
  const memoryCase = (m: keyof typeof MEMORY_CASES): void => {
    const c = MEMORY_CASES[m];
    const note =
      `oo-logs and oo-calls concurrently on one 5-min window: ${c.logs * 5} logs, ${c.spans * 5} spans ` +
      `(${c.spans * 7} spans read with the ±1 min pairing margin)`;
    for (const db of opts.dbs)
      out.push({
        name: c.name,
        args: {
          jobs: ['oo-logs', 'oo-calls'],
          db,
          scale: 1,
          perMinute: { logs: c.logs, spans: c.spans },
          warmup: true,
        },
        note,
      });
  };
  let memoryDone = false;
  for (const scale of scales) {
    if (scale > 10 && !memoryDone && memory[0] === '100k') {
      memoryCase('100k');
      memoryDone = true;
    }
    for (const job of opts.jobs) {
      const spec = BENCH_JOBS[job];
      const perMin = SEED_PER_MINUTE[spec.dataset] * scale;
      const read = recordsPerWindow(spec, perMin);
      const pad = spec.readPadMs > 0 ? ` incl. ±${spec.readPadMs / 60_000} min pairing margin` : '';
      const note = `${perMin} ${spec.dataset}/min, ${spec.windowMs / 60_000}-min window: ${read} records read${pad}`;
      const off = opts.discovery === false;
      for (const db of opts.dbs)
        out.push({
          name: `${job}-${scale}x${off ? '-nodisc' : ''}`,
          args: { jobs: [job], db, scale, warmup: true, ...(off ? { discovery: false } : {}) },
          note: off ? `${note}; discovery off` : note,
        });
    }
  }
  for (const m of memory) if (!(memoryDone && m === '100k')) memoryCase(m);
  return out;
}

/** The figures of one finished case. */
export function caseMeasurements(c: CaseSpec, r: WindowCaseResult, markedPeakRssMb: number): Measurement[] {
  const db = c.args.db;
  const m = (metric: string, value: number, unit: string): Measurement => ({ case: c.name, db, metric, value, unit });
  const records = r.jobs.reduce((s, j) => s + j.records, 0);
  const out: Measurement[] = [{ ...m('seconds', round(r.totalS, 3), 's'), note: c.note }];
  if (r.jobs.length === 1) {
    const j = r.jobs[0]!;
    const agg = Math.max(0, r.totalS - j.sourceS - j.writeS - r.dbOtherS);
    out.push(
      m('source_s', round(j.sourceS, 3), 's'),
      m('agg_s', round(agg, 3), 's'),
      m('write_s', round(j.writeS, 3), 's'),
    );
    if (r.dbOtherS >= 0.0005) out.push(m('db_read_s', round(r.dbOtherS, 3), 's'));
  }
  out.push(
    m('records', records, 'records'),
    m('records_per_sec', Math.round(records / r.totalS), 'records/s'),
    m('cpu_s', round(r.cpuS, 3), 's'),
  );
  const peak = Math.max(r.peakRssMb, markedPeakRssMb);
  out.push(
    {
      ...m('peak_rss', round(peak), 'MB'),
      note: 'max RSS during the measured window (PGlite: the embedded database included)',
    },
    m('rss_before', round(r.rssBeforeMb), 'MB'),
    m('rss_growth', round(Math.max(0, peak - r.rssBeforeMb)), 'MB'),
    m('peak_heap_used', round(r.peakHeapUsedMb), 'MB'),
    {
      ...m('process_max_rss', round(r.processMaxRssMb), 'MB'),
      note: 'kernel high-water mark of the whole case process, start-up included',
    },
  );
  const rows = r.jobs.reduce((s, j) => s + Object.values(j.rowsWritten).reduce((a, b) => a + b, 0), 0);
  out.push(m('rows_written', rows, 'rows'));
  return out;
}

export async function runWindowBench(argv: readonly string[] = []): Promise<Measurement[]> {
  const flags = parseFlags(argv, ['db', 'scales', 'jobs', 'memory', 'timeout', 'profile', 'budget', 'discovery']);
  const disc = flags.discovery ?? 'on';
  if (disc !== 'on' && disc !== 'off') throw new Error(`--discovery: on or off (got '${String(disc)}')`);
  const profileDir = typeof flags.profile === 'string' ? flags.profile : undefined;
  const jobs = (listFlag(flags, 'jobs') ?? [...JOB_NAMES]) as JobName[];
  for (const j of jobs)
    if (!JOB_NAMES.includes(j)) throw new Error(`--jobs: unknown job '${j}' (${JOB_NAMES.join(', ')})`);
  const memFlag = listFlag(flags, 'memory') ?? ['all'];
  const memory = (memFlag.includes('all') ? ['100k', '1m'] : memFlag.filter((x) => x !== 'none')) as ('100k' | '1m')[];
  for (const k of memory) if (!(k in MEMORY_CASES)) throw new Error(`--memory: all, none, 100k or 1m (got '${k}')`);
  const cases = windowCases({
    dbs: benchDbKinds(listFlag(flags, 'db')),
    scales: numberListFlag(flags, 'scales', [1, 10, 100]),
    jobs,
    memory,
    discovery: disc === 'on',
  });
  const timeoutMs = numberFlag(flags, 'timeout', 120) * 1000;
  const budgetMs = numberFlag(flags, 'budget', 420) * 1000;
  const started = Date.now();
  const out: Measurement[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'obbench-'));
  try {
    const template = cases.some((c) => c.args.db === 'pglite')
      ? await writePgliteTemplate(join(tmp, 'pglite.tar'))
      : undefined;
    for (const c of cases) {
      if (Date.now() - started > budgetMs) {
        process.stderr.write(`window: ${c.name} on ${c.args.db} skipped (over the --budget of ${budgetMs / 1000} s)\n`);
        continue;
      }
      if (c.args.db === 'pglite' && template) c.args.pgliteTemplate = template;
      process.stderr.write(`window: ${c.name} on ${c.args.db} ... `);
      const o = await runChild<WindowCaseArgs, WindowCaseResult>(distFile('bench/window/case.js'), c.args, {
        timeoutMs,
        execArgv: [
          '--expose-gc',
          ...(profileDir
            ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${c.name}-${c.args.db}.cpuprofile`]
            : []),
        ],
      });
      if (!o.ok || !o.result) {
        process.stderr.write(`FAILED: ${o.error ?? '?'}\n`);
        out.push({
          case: c.name,
          db: c.args.db,
          metric: 'failed',
          value: 1,
          unit: 'bool',
          note: (o.error ?? '').slice(0, 300),
        });
        continue;
      }
      process.stderr.write(`${o.result.totalS.toFixed(3)} s\n`);
      out.push(...caseMeasurements(c, o.result, o.markedPeakRssMb));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}
