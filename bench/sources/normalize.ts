/**
 * Records/s normalized by each source for a 100k-record window, and memory while doing it.
 *
 *   node dist/bench/sources/normalize.js [--records 100000] [--only mock,file]
 *   npm run bench -- sources
 *
 * Each case reads one window of ~100k records (spans, or log lines) through `Source.stream()` and
 * only counts them, so the figure is the source's own cost: generating (mock), HTTP + JSON + rows
 * (openobserve, against the stand-in in a worker thread), listing + parquet decoding (objectstore,
 * local folder and S3 via s3rver), or line parsing (file: NDJSON records and OTLP/JSON).
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import S3rver from 's3rver';
import { systemClock } from '../../src/core/clock.js';
import type { Dataset, LogRecord, Span, TelemetryRecord } from '../../src/core/records.js';
import { RejectStats } from '../../src/core/reject-stats.js';
import type { Tenant } from '../../src/core/tenant.js';
import type { Window } from '../../src/core/window.js';
import { mockConfigSchema } from '../../src/sources/mock/config.js';
import { MockSource } from '../../src/sources/mock/mock-source.js';
import { createSource } from '../../src/sources/registry.js';
import type { Source } from '../../src/sources/source.js';
import { logFromOoRow, spanFromOoRow } from '../../src/sources/normalize/oo-rows.js';
import { parseJsonKeepingBigInts } from '../../src/sources/normalize/json-bigint.js';
import type { SourceLocation } from '../../src/sources/source.js';
import { logToOoRow, type OoRow, ooParquet, rowJson, spanToOoRow } from '../../test/helpers/oo-standin/index.js';

export interface NormalizeMeasurement {
  case: string;
  metric: string;
  value: number;
  unit: string;
}

const T0 = Date.parse('2024-06-10T06:00:00Z');
const MIN = 60_000;
const tenant: Tenant = { id: 1, code: 'bench', name: 'bench' };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface CaseResult {
  records: number;
  seconds: number;
  peakHeapMb: number;
  peakRssMb: number;
}

/** Drains a window through a source, sampling memory every 5,000 records. */
async function drain(source: Source, dataset: Dataset, w: Window): Promise<CaseResult> {
  gc();
  const base = process.memoryUsage();
  let peakHeap = base.heapUsed + base.external;
  let peakRss = base.rss;
  let n = 0;
  let check = 0;
  const started = process.hrtime.bigint();
  for await (const r of source.stream(tenant, dataset, w, new RejectStats())) {
    check += r.kind === 'span' ? r.name.length : r.kind === 'log' ? r.body.length : 1;
    if (++n % 5000 === 0) {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
      peakRss = Math.max(peakRss, m.rss);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (check < 0) throw new Error('unreachable');
  const MB = 1024 * 1024;
  return {
    records: n,
    seconds,
    peakHeapMb: (peakHeap - base.heapUsed - base.external) / MB,
    peakRssMb: peakRss / MB,
  };
}

async function mockRecords(perMinute: number, dataset: Dataset, w: Window): Promise<TelemetryRecord[]> {
  const pm = { logs: dataset === 'logs' ? perMinute : 0, metrics: 0, spans: dataset === 'traces' ? perMinute : 1000 };
  const m = new MockSource(mockConfigSchema.parse({ kind: 'mock', per_minute: pm }));
  const out: TelemetryRecord[] = [];
  for await (const r of m.stream(tenant, dataset, w, new RejectStats())) out.push(r);
  return out;
}

/** OO answers already in memory: what the openobserve source does per page, minus the HTTP. */
class PagesSource implements Source {
  readonly kind = 'oo-pages';
  constructor(private readonly pages: string[]) {}
  location(): SourceLocation {
    return { bucket: '', objectKey: '' };
  }
  async *stream(_t: Tenant, dataset: Dataset, w: Window, stats: RejectStats): AsyncIterable<TelemetryRecord> {
    for (const text of this.pages) {
      const hits = (parseJsonKeepingBigInts(text) as { hits: unknown[] }).hits;
      for (const h of hits) {
        const r = dataset === 'traces' ? spanFromOoRow(h, stats) : logFromOoRow(h, stats);
        if (r === undefined) continue;
        const t = r.kind === 'span' ? r.start : r.ts;
        if (t >= w.from && t < w.to) yield r;
      }
    }
  }
}

const toRow = (r: TelemetryRecord): OoRow => (r.kind === 'span' ? spanToOoRow(r as Span) : logToOoRow(r as LogRecord));

/** One export request per 1,000 spans, grouped by resource, as the collector's file exporter writes. */
function otlpLines(spans: Span[]): string[] {
  const lines: string[] = [];
  const kv = (attrs: Record<string, unknown>): unknown[] =>
    Object.entries(attrs).map(([key, v]) => ({
      key,
      value:
        typeof v === 'number'
          ? Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v }
          : typeof v === 'boolean'
            ? { boolValue: v }
            : { stringValue: String(v) },
    }));
  const ns = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
  const kinds = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
  for (let i = 0; i < spans.length; i += 1000) {
    const byRes = new Map<object, Span[]>();
    for (const s of spans.slice(i, i + 1000)) byRes.set(s.resource, [...(byRes.get(s.resource) ?? []), s]);
    lines.push(
      JSON.stringify({
        resourceSpans: [...byRes].map(([, ss]) => ({
          resource: { attributes: kv(ss[0]!.resource.attrs) },
          scopeSpans: [
            {
              scope: { name: 'bench' },
              spans: ss.map((s) => ({
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId ?? '',
                name: s.name,
                kind: kinds[s.spanKind],
                startTimeUnixNano: ns(s.start),
                endTimeUnixNano: ns(s.end),
                attributes: kv(s.attrs),
                status: s.error ? { code: 2 } : {},
              })),
            },
          ],
        })),
      }),
    );
  }
  return lines;
}

export async function runNormalizeBench(argv: readonly string[] = []): Promise<NormalizeMeasurement[]> {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const target = Number(flag('records') ?? 100_000);
  const only = flag('only')?.split(',');
  const w: Window = { from: T0, to: T0 + MIN };
  const results: NormalizeMeasurement[] = [];
  const record = (name: string, r: CaseResult): void => {
    results.push(
      { case: name, metric: 'records', value: r.records, unit: 'count' },
      { case: name, metric: 'records_per_sec', value: Math.round(r.records / r.seconds), unit: 'records/s' },
      { case: name, metric: 'seconds', value: Number(r.seconds.toFixed(3)), unit: 's' },
      { case: name, metric: 'peak_heap_mb', value: Number(r.peakHeapMb.toFixed(1)), unit: 'MB' },
      { case: name, metric: 'peak_rss_mb', value: Number(r.peakRssMb.toFixed(1)), unit: 'MB' },
    );
    process.stderr.write(
      `${name}: ${r.records} records in ${r.seconds.toFixed(2)} s = ${Math.round(r.records / r.seconds)}/s, heap +${r.peakHeapMb.toFixed(0)} MB, rss ${r.peakRssMb.toFixed(0)} MB\n`,
    );
  };
  const want = (kind: string): boolean => only === undefined || only.includes(kind);
  const tmp = await mkdtemp(join(tmpdir(), 'ob-bench-sources-'));
  try {
    for (const dataset of ['traces', 'logs'] as const) {
      const perMinute = {
        logs: dataset === 'logs' ? target : 0,
        metrics: 0,
        spans: dataset === 'traces' ? target : 1000,
      };
      if (want('mock'))
        record(`mock/${dataset}`, await drain(createSource({ kind: 'mock', per_minute: perMinute }), dataset, w));

      const records = await mockRecords(target, dataset, w);
      const rows = records.map(toRow);

      if (want('openobserve')) {
        // The client's own cost: OO answers of page_size rows, pre-rendered, parsed and normalized.
        const pages: string[] = [];
        for (let i = 0; i < rows.length; i += 5000)
          pages.push(
            `{"took":1,"hits":[${rows
              .slice(i, i + 5000)
              .map((r) => rowJson(r))
              .join(',')}],"total":${Math.min(5000, rows.length - i)},"is_partial":false}`,
          );
        record(`openobserve-decode/${dataset}`, await drain(new PagesSource(pages), dataset, w));

        const worker = new Worker(new URL('./oo-worker.js', import.meta.url), {
          workerData: { perMinute, from: w.from, to: w.to },
        });
        const info = await new Promise<{ url: string; org: string; user: string; password: string }>(
          (resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
          },
        );
        const src = createSource(
          {
            kind: 'openobserve',
            url: info.url,
            org: info.org,
            user: info.user,
            password_env: 'BENCH_OO_PASSWORD',
            streams: { metrics: ['none'] },
          },
          { env: { BENCH_OO_PASSWORD: info.password }, clock: systemClock },
        );
        record(`openobserve/${dataset}`, await drain(src, dataset, w));
        worker.postMessage('close');
        await new Promise((resolve) => worker.once('exit', resolve));
      }

      if (want('objectstore')) {
        const root = join(tmp, `bucket-${dataset}`);
        const dir = join(root, 'files', 'bench', dataset, 'default', '2024', '06', '10', '06');
        await mkdir(dir, { recursive: true });
        const files: [string, Uint8Array][] = [];
        for (let i = 0; i < 4; i++) {
          const part = rows.slice((i * rows.length) / 4, ((i + 1) * rows.length) / 4);
          files.push([`files/bench/${dataset}/default/2024/06/10/06/72011000${i}abcd.parquet`, ooParquet(part)]);
        }
        for (const [key, bytes] of files) await writeFile(join(root, ...key.split('/')), bytes);
        const folder = createSource({ kind: 'objectstore', org: 'bench', storage: { type: 'folder', path: root } });
        record(`objectstore-folder/${dataset}`, await drain(folder, dataset, w));

        const s3 = new S3rver({
          address: '127.0.0.1',
          port: 0,
          directory: join(tmp, `s3-${dataset}`),
          silent: true,
          configureBuckets: [{ name: 'bench' }],
        });
        const addr = await s3.run();
        const endpoint = `http://127.0.0.1:${addr.port}`;
        const put = new S3Client({
          endpoint,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        });
        for (const [key, bytes] of files)
          await put.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: bytes }));
        put.destroy();
        const s3src = createSource(
          {
            kind: 'objectstore',
            org: 'bench',
            storage: {
              type: 's3',
              bucket: 'bench',
              endpoint,
              force_path_style: true,
              access_key_env: 'K',
              secret_key_env: 'S',
            },
          },
          { env: { K: 'S3RVER', S: 'S3RVER' } },
        );
        record(`objectstore-s3/${dataset}`, await drain(s3src, dataset, w));
        await s3.close();
      }

      if (want('file')) {
        const dir = join(tmp, `files-${dataset}`);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'records.ndjson'), records.map((r) => JSON.stringify(r)).join('\n'));
        record(`file-ndjson/${dataset}`, await drain(createSource({ kind: 'file', path: dir }), dataset, w));
        if (dataset === 'traces') {
          const otlpDir = join(tmp, 'otlp');
          await mkdir(otlpDir, { recursive: true });
          await writeFile(join(otlpDir, 'traces.json'), otlpLines(records as Span[]).join('\n'));
          record(
            `file-otlp/${dataset}`,
            await drain(createSource({ kind: 'file', path: otlpDir, format: 'otlp' }), dataset, w),
          );
        }
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await runNormalizeBench(process.argv.slice(2));
  const cases = [...new Set(results.map((r) => r.case))];
  const get = (c: string, m: string): number | undefined => results.find((r) => r.case === c && r.metric === m)?.value;
  console.log('case                          records   records/s   seconds   heap+ MB   rss MB');
  for (const c of cases)
    console.log(
      `${c.padEnd(28)} ${String(get(c, 'records')).padStart(8)} ${String(get(c, 'records_per_sec')).padStart(11)} ${String(get(c, 'seconds')).padStart(9)} ${String(get(c, 'peak_heap_mb')).padStart(10)} ${String(get(c, 'peak_rss_mb')).padStart(8)}`,
    );
}
