/**
 * Baseline benchmark (issue 9, item 3): the same raw records of one 5-minute window (25k logs,
 * 2.5k metric points, 5k spans at 1×) put into PostgreSQL and summarized there with SQL, against
 * ObserveBridge's jobs writing only summaries. Reports both times, both sizes and their ratios.
 *
 *   npm run bench -- baseline-all-in-pg [--db postgres,pglite] [--scales 1,10] [--timeout <s>]
 *
 * Default: the server (DATABASE_URL) at 1× and 10×, PGlite at 1× only — loading 325k raw rows into
 * the embedded database takes minutes (pass --db pglite --scales 10 to run it anyway).
 */
import { listFlag, numberFlag, numberListFlag, parseFlags } from '../lib/args.js';
import { runChild } from '../lib/child.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDbKinds, writePgliteTemplate } from '../lib/db.js';
import { round } from '../lib/memory.js';
import { distFile } from '../lib/paths.js';
import type { Measurement } from '../lib/record.js';
import type { BaselineCaseArgs, BaselineCaseResult } from './case.js';

const MB = 2 ** 20;
const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);

export function baselineMeasurements(name: string, a: BaselineCaseArgs, r: BaselineCaseResult): Measurement[] {
  const m = (metric: string, value: number, unit: string, note?: string): Measurement => ({
    case: name,
    db: a.db,
    metric,
    value,
    unit,
    ...(note ? { note } : {}),
  });
  const blS = r.baseline.loadS + r.baseline.aggS;
  const rawB = sum(r.baseline.rawBytes);
  const obB = sum(r.ob.bytes);
  const rec = r.records;
  return [
    m(
      'records',
      rec.logs + rec.metrics + rec.spans,
      'records',
      `${rec.logs} logs, ${rec.metrics} metric points, ${rec.spans} spans (ObserveBridge reads ${rec.spansReadByOb} spans incl. ±1 min pairing margin)`,
    ),
    m(
      'baseline_load_s',
      round(r.baseline.loadS, 3),
      's',
      'COPY into raw_logs/raw_spans/raw_metrics (indexes on time, service, trace id) + ANALYZE',
    ),
    m(
      'baseline_agg_s',
      round(r.baseline.aggS, 3),
      's',
      'metric_1m, service_call_5m, log counts in SQL (percentile_cont, span self-join)',
    ),
    m('baseline_s', round(blS, 3), 's'),
    m('ob_s', round(r.ob.seconds, 3), 's', '5 × oo-metrics 1m + oo-calls 5m + oo-logs 5m, records from memory'),
    m('speed_ratio', round(blS / r.ob.seconds, 2), 'x', 'baseline_s / ob_s (target ≥ 5)'),
    m('baseline_raw_mb', round(rawB / MB, 2), 'MB', JSON.stringify(r.baseline.rawBytes)),
    m('ob_summary_mb', round(obB / MB, 3), 'MB', JSON.stringify(r.ob.bytes)),
    m('space_ratio', round(rawB / obB, 1), 'x', 'baseline raw tables / ObserveBridge summary tables (target ≥ 20)'),
    m('baseline_output_mb', round(sum(r.baseline.outputBytes) / MB, 3), 'MB'),
    m('baseline_call_rows', r.baseline.rows.service_call_5m ?? 0, 'rows'),
    m('ob_call_rows', r.ob.rows.service_call_5m ?? 0, 'rows'),
    m('baseline_metric_rows', r.baseline.rows.metric_1m ?? 0, 'rows'),
    m('ob_metric_rows', r.ob.rows.metric_1m ?? 0, 'rows'),
    m('baseline_log_rows', r.baseline.rows.log_count_5m ?? 0, 'rows'),
    m('ob_log_rows', r.ob.rows.log_pattern_5m ?? 0, 'rows'),
    m('generate_s', round(r.generateS, 3), 's', 'mock generation, excluded from both sides'),
  ];
}

export async function runBaselineBench(argv: readonly string[] = []): Promise<Measurement[]> {
  const flags = parseFlags(argv, ['db', 'scales', 'timeout']);
  const dbs = benchDbKinds(listFlag(flags, 'db'));
  const explicit = listFlag(flags, 'scales') !== undefined;
  const scales = numberListFlag(flags, 'scales', [1, 10]);
  const timeoutMs = numberFlag(flags, 'timeout', 240) * 1000;
  const out: Measurement[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'obbench-'));
  const template = dbs.includes('pglite') ? await writePgliteTemplate(join(tmp, 'pglite.tar')) : undefined;
  try {
    for (const scale of scales) {
      for (const db of dbs) {
        if (db === 'pglite' && !explicit && scale > 1) continue;
        const name = `${scale}x`;
        const args: BaselineCaseArgs = {
          db,
          scale,
          warmup: true,
          ...(db === 'pglite' && template ? { pgliteTemplate: template } : {}),
        };
        process.stderr.write(`baseline-all-in-pg: ${name} on ${db} ... `);
        const o = await runChild<BaselineCaseArgs, BaselineCaseResult>(distFile('bench/baseline/case.js'), args, {
          timeoutMs,
        });
        if (!o.ok || !o.result) {
          process.stderr.write(`FAILED: ${o.error ?? '?'}\n`);
          out.push({ case: name, db, metric: 'failed', value: 1, unit: 'bool', note: (o.error ?? '').slice(0, 300) });
          continue;
        }
        const r = o.result;
        process.stderr.write(
          `baseline ${(r.baseline.loadS + r.baseline.aggS).toFixed(2)} s, ObserveBridge ${r.ob.seconds.toFixed(2)} s\n`,
        );
        out.push(...baselineMeasurements(name, args, r));
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}
