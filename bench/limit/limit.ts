/**
 * Limit benchmark (issue 9, item 2): the floor of this machine for one window of each job — the
 * time just to generate the records the job reads (mock) and to JSON-encode and decode them in
 * pages of 1,000 (as if read from OpenObserve), with no aggregation and no writes. Then the
 * pipeline's throughput (latest `window` results for the same case) as a share of it.
 *
 *   npm run bench -- limit [--scales 1,10,100] [--jobs oo-logs,...]
 */
import type { TelemetryRecord } from '../../src/core/records.js';
import { RejectStats } from '../../src/core/reject-stats.js';
import type { Tenant } from '../../src/core/tenant.js';
import { listFlag, numberListFlag, parseFlags } from '../lib/args.js';
import { BENCH_JOBS, JOB_NAMES, jobWindow, type JobName } from '../lib/jobs.js';
import { round } from '../lib/memory.js';
import { latest, readRecords, type Measurement } from '../lib/record.js';
import { mockSource, seconds } from '../lib/sources.js';

const PAGE = 1000;

export interface LimitResult {
  records: number;
  genS: number;
  encodeS: number;
  decodeS: number;
  /** Bytes of JSON produced (what OO would send, before compression). */
  jsonBytes: number;
}

/** Generates the job's window in pages, encoding and decoding each page; times each step. */
export async function measureLimit(job: JobName, scale: number): Promise<LimitResult> {
  const spec = BENCH_JOBS[job];
  const w = jobWindow(spec, 0);
  const read = { from: w.from - spec.readPadMs, to: w.to + spec.readPadMs };
  const tenant: Tenant = { id: 1, code: 'bench', name: 'bench' };
  const it = mockSource(scale).stream(tenant, spec.dataset, read, new RejectStats())[Symbol.asyncIterator]();
  const r: LimitResult = { records: 0, genS: 0, encodeS: 0, decodeS: 0, jsonBytes: 0 };
  let gen = 0n;
  let enc = 0n;
  let dec = 0n;
  let sink = 0;
  const page: TelemetryRecord[] = [];
  for (let done = false; !done;) {
    page.length = 0;
    const t0 = process.hrtime.bigint();
    while (page.length < PAGE) {
      const n = await it.next();
      if (n.done) {
        done = true;
        break;
      }
      page.push(n.value);
    }
    const t1 = process.hrtime.bigint();
    if (page.length === 0) break;
    const text = JSON.stringify(page);
    const t2 = process.hrtime.bigint();
    const back = JSON.parse(text) as unknown[];
    const t3 = process.hrtime.bigint();
    gen += t1 - t0;
    enc += t2 - t1;
    dec += t3 - t2;
    r.records += page.length;
    r.jsonBytes += text.length;
    sink += back.length;
  }
  if (sink !== r.records) throw new Error('limit: decoded record count differs');
  r.genS = seconds(gen);
  r.encodeS = seconds(enc);
  r.decodeS = seconds(dec);
  return r;
}

export function limitMeasurements(name: string, r: LimitResult, windowRecords = readRecords('window')): Measurement[] {
  const m = (metric: string, value: number, unit: string, note?: string): Measurement => ({
    case: name,
    db: null,
    metric,
    value,
    unit,
    ...(note ? { note } : {}),
  });
  const floorS = r.genS + r.encodeS + r.decodeS;
  const limit = r.records / floorS;
  const out: Measurement[] = [
    m('records', r.records, 'records'),
    m('gen_s', round(r.genS, 3), 's'),
    m('encode_s', round(r.encodeS, 3), 's'),
    m('decode_s', round(r.decodeS, 3), 's'),
    m('gen_records_per_sec', Math.round(r.records / r.genS), 'records/s', 'generation only'),
    m(
      'limit_records_per_sec',
      Math.round(limit),
      'records/s',
      'generate + JSON.stringify + JSON.parse per page of 1000',
    ),
    m('json_mb', round(r.jsonBytes / 2 ** 20, 1), 'MB'),
  ];
  // The pipeline's figure for the same case, per database, from the newest window run.
  for (const w of latest(windowRecords)) {
    if (w.case !== name || w.metric !== 'records_per_sec') continue;
    out.push({
      case: name,
      db: w.db,
      metric: 'pipeline_pct_of_limit',
      value: round((100 * w.value) / limit, 1),
      unit: '%',
      note: `window bench ${w.date} (${w.commit}): ${w.value} records/s end to end (target ≥ 50%)`,
    });
    out.push({
      case: name,
      db: w.db,
      metric: 'pipeline_pct_of_gen',
      value: round((100 * w.value) / (r.records / r.genS), 1),
      unit: '%',
      note: 'share of generation-only speed: with the mock source, generation is part of the pipeline',
    });
  }
  return out;
}

export async function runLimitBench(argv: readonly string[] = []): Promise<Measurement[]> {
  const flags = parseFlags(argv, ['scales', 'jobs']);
  const jobs = (listFlag(flags, 'jobs') ?? [...JOB_NAMES]) as JobName[];
  for (const j of jobs)
    if (!JOB_NAMES.includes(j)) throw new Error(`--jobs: unknown job '${j}' (${JOB_NAMES.join(', ')})`);
  const scales = numberListFlag(flags, 'scales', [1, 10, 100]);
  for (const j of jobs) await measureLimit(j, 1); // warm-up: JIT
  const out: Measurement[] = [];
  for (const scale of scales) {
    for (const j of jobs) {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const r = await measureLimit(j, scale);
      process.stderr.write(
        `limit: ${j}-${scale}x ${Math.round(r.records / (r.genS + r.encodeS + r.decodeS))} records/s\n`,
      );
      out.push(...limitMeasurements(`${j}-${scale}x`, r));
    }
  }
  return out;
}
