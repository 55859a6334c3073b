import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Dataset, Span, TelemetryRecord } from '../../../src/core/records.js';
import { RejectStats } from '../../../src/core/reject-stats.js';
import type { Tenant } from '../../../src/core/tenant.js';
import type { Window } from '../../../src/core/window.js';
import { fileConfigSchema } from '../../../src/sources/file/config.js';
import { FileSource } from '../../../src/sources/file/file-source.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';
import { logToOoRow, rowJson } from '../../helpers/oo-standin/index.js';
import { fixturesDir } from '../../helpers/paths.js';

const tenant: Tenant = { id: 1, code: 'acme', name: 'Acme' };
const T0 = Date.UTC(2024, 5, 10, 6, 0);
const MIN = 60_000;
const TEMPO_T = 1658320854000; // 2022-07-20 12:40:54Z, the Tempo fixtures' second

async function collect(
  src: FileSource | MockSource,
  dataset: Dataset,
  w: Window,
  stats = new RejectStats(),
): Promise<TelemetryRecord[]> {
  const out: TelemetryRecord[] = [];
  for await (const r of src.stream(tenant, dataset, w, stats)) out.push(r);
  return out;
}

describe('file source', () => {
  let dir: string;
  let mockSpans: TelemetryRecord[];
  let mockLogs: TelemetryRecord[];
  const file = (over: Record<string, unknown> = {}): FileSource =>
    new FileSource(fileConfigSchema.parse({ kind: 'file', path: dir, ...over }));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ob-files-'));
    const mock = new MockSource(
      mockConfigSchema.parse({ kind: 'mock', per_minute: { logs: 200, metrics: 50, spans: 300 } }),
    );
    mockSpans = await collect(mock, 'traces', { from: T0, to: T0 + 2 * MIN });
    mockLogs = await collect(mock, 'logs', { from: T0, to: T0 + 2 * MIN });
    // OTel Collector file exporter output: one export request per line, signals mixed in one file
    const tempo = ['tempo-trace-with-queue-database.json', 'tempo-trace-with-failed-requests.json'].map(async (f) =>
      JSON.stringify(JSON.parse(await readFile(join(fixturesDir, 'spans', f), 'utf8'))),
    );
    const logLine = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [] },
          scopeLogs: [{ logRecords: [{ timeUnixNano: String(TEMPO_T * 1e6 + 5e8), body: { stringValue: 'hello' } }] }],
        },
      ],
    });
    await mkdir(join(dir, 'otel'), { recursive: true });
    await writeFile(join(dir, 'otel', 'export.json'), [...(await Promise.all(tempo)), logLine].join('\n') + '\n');
    // our own records as NDJSON, gzipped; and OO-style flat rows
    await writeFile(join(dir, 'spans.ndjson.gz'), gzipSync(mockSpans.map((r) => JSON.stringify(r)).join('\n')));
    await writeFile(
      join(dir, 'oo-logs.jsonl'),
      mockLogs.map((l) => rowJson(logToOoRow(l as Parameters<typeof logToOoRow>[0]))).join('\r\n'),
    );
    await writeFile(join(dir, 'notes.txt'), 'not telemetry');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads OTLP/JSON lines as the collector file exporter writes them', async () => {
    const stats = new RejectStats();
    // the two traces are 80 minutes apart (12:40:54Z and 14:01:12Z)
    const spans = (await collect(
      file(),
      'traces',
      { from: TEMPO_T - 60_000, to: TEMPO_T + 2 * 3_600_000 },
      stats,
    )) as Span[];
    assert.equal(spans.length, 19 + 15);
    assert.equal((await collect(file(), 'traces', { from: TEMPO_T - 60_000, to: TEMPO_T + 60_000 })).length, 19);
    assert.equal(stats.total, 0);
    const logs = await collect(file(), 'logs', { from: TEMPO_T - 60_000, to: TEMPO_T + 60_000 });
    assert.deepStrictEqual(
      logs.map((l) => (l.kind === 'log' ? l.body : '')),
      ['hello'],
    );
  });

  it('records written as NDJSON (gzipped) read back identical, filtered to the window', async () => {
    const w = { from: T0 + 30_000, to: T0 + 90_000 };
    const got = await collect(file(), 'traces', w);
    const want = mockSpans.filter((s) => s.kind === 'span' && s.start >= w.from && s.start < w.to);
    assert.ok(want.length > 100);
    assert.deepStrictEqual(got, want);
  });

  it('OO-style flat rows are recognized by their columns', async () => {
    const got = await collect(file(), 'logs', { from: T0, to: T0 + 2 * MIN });
    assert.equal(got.length, mockLogs.length);
    const key = (r: TelemetryRecord): string => (r.kind === 'log' ? `${r.ts}|${r.body}|${r.traceId ?? ''}` : '');
    assert.deepStrictEqual(got.map(key).sort(), mockLogs.map(key).sort());
  });

  it('files.<dataset> globs choose the files; others are not opened', async () => {
    const src = file({ files: { traces: '**/*.ndjson.gz' } });
    assert.equal(
      (await collect(src, 'traces', { from: T0, to: T0 + MIN })).length,
      mockSpans.filter((s) => s.kind === 'span' && s.start < T0 + MIN).length,
    );
    assert.equal(src.filesRead, 1);
    assert.deepStrictEqual(src.location(tenant, 'traces').objectKey, '**/*.ndjson.gz');
  });

  it('skips a file whose known time range misses the window, until the file changes', async () => {
    const src = file({ files: { traces: 'spans.ndjson.gz' } });
    await collect(src, 'traces', { from: T0, to: T0 + MIN });
    assert.equal(src.filesRead, 1);
    assert.equal((await collect(src, 'traces', { from: T0 + 10 * MIN, to: T0 + 11 * MIN })).length, 0);
    assert.equal(src.filesRead, 1, 'range known: not opened');
    await utimes(join(dir, 'spans.ndjson.gz'), new Date(), new Date());
    await collect(src, 'traces', { from: T0 + 10 * MIN, to: T0 + 11 * MIN });
    assert.equal(src.filesRead, 2, 'changed: opened again');
  });

  it('malformed lines are counted per reason, not thrown', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad);
    await writeFile(
      join(bad, 'mixed.ndjson'),
      [
        JSON.stringify({
          kind: 'span',
          traceId: 't',
          spanId: 's',
          spanKind: 'server',
          start: T0 + 1,
          end: T0 + 2,
          error: false,
          name: 'ok',
          attrs: {},
          resource: { attrs: {} },
        }),
        '{broken',
        '"a string"',
        JSON.stringify({
          kind: 'span',
          traceId: 't',
          spanId: 's2',
          spanKind: 'sideways',
          start: T0,
          end: T0,
          name: 'x',
        }),
        JSON.stringify({
          kind: 'span',
          traceId: 't',
          spanId: 's3',
          spanKind: 'client',
          start: T0 + 5,
          end: T0 + 1,
          name: 'x',
        }),
        JSON.stringify({
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: 'nothex',
                      spanId: 'eee19b7ec3c1b174',
                      name: 'x',
                      startTimeUnixNano: '1',
                      endTimeUnixNano: '2',
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ].join('\n'),
    );
    const stats = new RejectStats();
    const got = await collect(
      new FileSource(fileConfigSchema.parse({ kind: 'file', path: bad })),
      'traces',
      { from: T0, to: T0 + MIN },
      stats,
    );
    assert.equal(got.length, 1);
    assert.deepStrictEqual(stats.toJSON(), {
      bad_duration: 1,
      bad_json: 1,
      bad_span_kind: 1,
      bad_trace_id: 1,
      not_object: 1,
    });
  });
});
