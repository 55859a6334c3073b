/**
 * The benchmark dispatcher: `npm run bench -- <name> [flags]` runs one benchmark, prints its table
 * and appends its records to bench/results/<name>.jsonl (CONVENTIONS.md "Benchmarks").
 * `npm run bench -- list` names them; `npm run bench -- report [--write]` prints (or writes into
 * bench/README.md) the latest figures of every results file.
 *
 * Benchmarks of other areas are imported lazily, so one that is missing or broken does not stop
 * the others; whatever they return is turned into records here (lib/adapt.ts) unless they
 * appended to their results file themselves.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toMeasurements } from './lib/adapt.js';
import { listFlag, parseFlags } from './lib/args.js';
import { distFile } from './lib/paths.js';
import { appendRecords, resultsFile, runInfo, toRecords, type Measurement } from './lib/record.js';
import { formatHot } from './lib/cpuprofile.js';
import { writeReport, renderReport } from './lib/report.js';
import { formatTable } from './lib/table.js';

interface BenchOutput {
  ms: Measurement[];
  /** The module appended to its results file itself: print, do not record again. */
  recorded?: boolean;
}

interface BenchEntry {
  describe: string;
  run(argv: readonly string[]): Promise<BenchOutput>;
}

/** A bench module of another area: compiled path, the function to call, and how to name its case. */
function external(
  rel: string,
  fnNames: string[],
  bench: string,
  describe: string,
  args: (argv: readonly string[]) => unknown[] = () => [],
): BenchEntry {
  return {
    describe,
    async run(argv) {
      const file = distFile(rel);
      if (!existsSync(file))
        throw new NotAvailable(`${bench}: not available yet (${rel.replace(/\.js$/, '.ts')} is missing)`);
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const name =
        fnNames.find((n) => typeof mod[n] === 'function') ??
        Object.keys(mod).find((n) => /^run\w*Bench$/.test(n) && typeof mod[n] === 'function');
      if (name === undefined) throw new NotAvailable(`${bench}: ${rel} exports no run…Bench function`);
      const before = sizeOf(resultsFile(bench));
      const result = await (mod[name] as (...a: unknown[]) => Promise<unknown>)(...args(argv));
      const recorded = sizeOf(resultsFile(bench)) !== before;
      if (recorded) process.stderr.write(`${bench}: ${name} recorded its own results\n`);
      return { ms: toMeasurements(bench, result), recorded };
    },
  };
}

class NotAvailable extends Error {}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : -1;
}

const BENCHES: Record<string, BenchEntry> = {
  window: {
    describe: 'end-to-end time of one window per job (1×, 10×, 100×), source/agg/write split, peak RSS',
    run: async (argv) => ({ ms: await (await import('./window/window.js')).runWindowBench(argv) }),
  },
  limit: {
    describe: 'floor: generate + JSON encode/decode the same records; pipeline throughput as % of it',
    run: async (argv) => ({ ms: await (await import('./limit/limit.js')).runLimitBench(argv) }),
  },
  'baseline-all-in-pg': {
    describe: 'raw records in PostgreSQL + SQL aggregation vs ObserveBridge: time and space ratios',
    run: async (argv) => ({ ms: await (await import('./baseline/baseline.js')).runBaselineBench(argv) }),
  },
  drain: {
    describe: 'template miner lines/s on 1M lines (one core)',
    async run() {
      const { runDrainBench } = await import('./drain/drain.js');
      const r = await runDrainBench();
      return { ms: toMeasurements('drain', [{ case: 'miner-1m-lines', ...r }]) };
    },
  },
  agg: {
    describe: 'aggregator throughput and bounded memory',
    run: async () => ({ ms: toMeasurements('agg', await (await import('./agg/agg.js')).runAggBench()) }),
  },
  sources: external(
    'bench/sources/normalize.js',
    ['runNormalizeBench', 'runSourcesBench'],
    'sources',
    'source normalization',
  ),
  topology: external(
    'bench/topology/extract.js',
    ['runExtractBench', 'runTopologyBench'],
    'topology',
    'topology extraction',
  ),
  queue: external('bench/queue/queue.js', ['runQueueBench'], 'queue', 'job queue claim/complete throughput'),
  graph: external('bench/graph/graph.js', ['runGraphBench'], 'graph', 'graph refresh and impact queries', (argv) => [
    listFlag(parseFlags(argv, ['db']), 'db'),
  ]),
  api: external('bench/api/api.js', ['runApiBench'], 'api', 'HTTP API latency', (argv) => [argv]),
  rules: {
    describe: 'one rules window over 10,000 metric series and 2,000 edges: evaluation and whole window',
    run: async (argv) => ({ ms: await (await import('./rules/rules.js')).runRulesBench(argv) }),
  },
  web: {
    describe: 'status page load time in headless Chromium on the demo database (p50/p95 per page)',
    run: async (argv) => ({ ms: await (await import('./web/page-load.js')).runPageLoadBench(argv) }),
  },
  kb: external(
    'bench/kb/kb.js',
    ['runKbBench'],
    'kb',
    'knowledge base ingest and search on 10,000 chunks, retrieval quality',
    (argv) => [argv],
  ),
  threads: {
    describe: 'multi-window backfill in one process, 1 vs 2 worker threads on the server: wall, CPU, speed-up',
    run: async (argv) => ({ ms: await (await import('./threads/threads.js')).runThreadsBench(argv) }),
  },
  discovery: {
    describe: 'attribute discovery: records/s on one core, bounded memory, API p95 on 30 days × 3 tenants',
    run: async (argv) => ({
      ms: await (await import('./discovery/discovery.js')).runDiscoveryBench(argv),
      recorded: true,
    }),
  },
};

const ALIASES: Record<string, string> = { baseline: 'baseline-all-in-pg' };

function usage(): string {
  const lines = Object.entries(BENCHES).map(([n, b]) => `  ${n.padEnd(20)} ${b.describe}`);
  return [
    'usage: npm run bench -- <name> [flags]',
    '',
    ...lines,
    `  ${'report [--write]'.padEnd(20)} latest figures of every results file (--write: into bench/README.md)`,
    `  ${'profile <file>'.padEnd(20)} self time per function of a .cpuprofile (window --profile <dir> writes them)`,
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'list' || first === '--help' || first === '-h') {
    console.log(usage());
    return first === undefined ? 2 : 0;
  }
  if (first === 'profile') {
    if (rest[0] === undefined) {
      console.error('usage: npm run bench -- profile <file.cpuprofile> [top]');
      return 2;
    }
    console.log(formatHot(rest[0], Number(rest[1] ?? 25)));
    return 0;
  }
  if (first === 'report') {
    if (rest.includes('--write')) console.log(`wrote ${await writeReport()}`);
    else console.log(renderReport());
    return 0;
  }
  const name = ALIASES[first] ?? first;
  const entry = BENCHES[name];
  if (entry === undefined) {
    console.error(`unknown benchmark '${first}'\n\n${usage()}`);
    return 2;
  }
  const info = runInfo();
  let out: BenchOutput;
  try {
    out = await entry.run(rest);
  } catch (e) {
    if (e instanceof NotAvailable) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  console.log(formatTable(out.ms));
  if (!out.recorded) {
    const file = appendRecords(name, toRecords(name, out.ms, info));
    console.error(`${out.ms.length} records appended to ${file} (commit ${info.commit}, load ${info.load})`);
  }
  return 0;
}

/** Heap figures need `global.gc`: re-run under --expose-gc when it is missing. */
function reexecWithGc(): number | undefined {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function') return undefined;
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  return r.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = reexecWithGc();
  if (code !== undefined) process.exit(code);
  else
    main(process.argv.slice(2)).then(
      (c) => process.exit(c),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
}
