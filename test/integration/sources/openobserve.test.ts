import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/core/clock.js';
import { PermanentError } from '../../../src/core/errors.js';
import type { Dataset, LogRecord, MetricPoint, Span, TelemetryRecord } from '../../../src/core/records.js';
import { RejectStats } from '../../../src/core/reject-stats.js';
import type { Tenant } from '../../../src/core/tenant.js';
import type { Window } from '../../../src/core/window.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';
import { openobserveConfigSchema } from '../../../src/sources/openobserve/config.js';
import { OoPermanentError, OoTransientError } from '../../../src/sources/openobserve/errors.js';
import { OpenObserveSource } from '../../../src/sources/openobserve/oo-source.js';
import {
  logToOoRow,
  metricToOoRow,
  type OoRow,
  type OoStandin,
  spanToOoRow,
  STANDIN_AUTH,
  startOoStandin,
} from '../../helpers/oo-standin/index.js';

const tenant: Tenant = { id: 1, code: 'acme', name: 'Acme' };
const T0 = Date.UTC(2024, 5, 10, 6, 0);
const MIN = 60_000;
const W: Window = { from: T0, to: T0 + MIN };
const us = (ms: number): number => ms * 1000;

interface Harness {
  src: OpenObserveSource;
  delays: number[];
  clock: ManualClock;
}

function source(oo: OoStandin, over: Record<string, unknown> = {}, password = STANDIN_AUTH.password): Harness {
  const delays: number[] = [];
  const clock = new ManualClock(T0 + 10 * MIN);
  const config = openobserveConfigSchema.parse({
    kind: 'openobserve',
    url: oo.url,
    org: oo.org,
    user: STANDIN_AUTH.user,
    password_env: 'OO_TEST_PASSWORD',
    retry: { max_attempts: 4, initial_delay: '100ms', max_delay: '5s' },
    request_timeout: '2s',
    ...over,
  });
  const src = new OpenObserveSource(config, {
    clock,
    env: { OO_TEST_PASSWORD: password },
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
  });
  return { src, delays, clock };
}

async function read(
  src: OpenObserveSource,
  dataset: Dataset,
  w: Window = W,
  stats = new RejectStats(),
): Promise<TelemetryRecord[]> {
  const out: TelemetryRecord[] = [];
  for await (const r of src.stream(tenant, dataset, w, stats)) out.push(r);
  return out;
}

async function mockRecords(dataset: Dataset, w: Window = W): Promise<TelemetryRecord[]> {
  const m = new MockSource(mockConfigSchema.parse({ kind: 'mock', seed: 5, per_minute: { logs: 1500, metrics: 300 } }));
  const out: TelemetryRecord[] = [];
  for await (const r of m.stream(tenant, dataset, w, new RejectStats())) out.push(r);
  return out;
}

const byKey = <T extends TelemetryRecord>(rs: T[], key: (r: T) => string): Map<string, T> =>
  new Map(rs.map((r) => [key(r), r]));
const spanKey = (s: Span): string => `${s.traceId}/${s.spanId}`;

describe('openobserve source: round trip and pagination', () => {
  let oo: OoStandin;
  let spans: Span[];
  let logs: LogRecord[];
  let points: MetricPoint[];

  before(async () => {
    spans = (await mockRecords('traces')) as Span[];
    logs = (await mockRecords('logs')) as LogRecord[];
    points = (await mockRecords('metrics')) as MetricPoint[];
    const rows: Record<string, OoRow[]> = {
      'traces/default': spans.map(spanToOoRow),
      'logs/default': logs.map(logToOoRow),
    };
    for (const p of points) (rows[`metrics/${p.name}`] ??= []).push(metricToOoRow(p));
    oo = await startOoStandin({ rows, faults: { shuffleTies: true } });
  });
  after(() => oo.close());

  it('pagination across many pages returns every span once, equal to what was stored', async () => {
    const before = oo.searches().length;
    const { src } = source(oo, { page_size: 100 });
    const got = (await read(src, 'traces')) as Span[];
    assert.equal(got.length, spans.length);
    assert.equal(new Set(got.map(spanKey)).size, spans.length, 'no duplicates');
    const want = byKey(spans, spanKey);
    for (const s of got) assert.deepStrictEqual(s, want.get(spanKey(s)));
    const reqs = oo.searches().slice(before);
    assert.ok(reqs.length >= 10, `pages: ${reqs.length}`);
    for (const r of reqs) {
      const q = (r.body as { query: Record<string, unknown> }).query;
      assert.ok(typeof q['size'] === 'number' && q['size'] > 0, 'explicit size on every request');
      assert.equal(q['from'], 0, 'no offset paging');
      assert.equal((q['start_time'] as number) >= us(W.from) && (q['end_time'] as number) <= us(W.to), true);
    }
    assert.equal(reqs[0]!.params['type'], 'traces');
  });

  it('logs round-trip with resource and attributes restored', async () => {
    const got = (await read(source(oo, { page_size: 700 }).src, 'logs')) as LogRecord[];
    assert.equal(got.length, logs.length);
    const key = (l: LogRecord): string => `${l.ts}|${l.body}|${String(l.resource.attrs['k8s.pod.name'])}`;
    const want = new Map<string, LogRecord[]>();
    for (const l of logs) want.set(key(l), [...(want.get(key(l)) ?? []), l]);
    for (const l of got) {
      const cands = want.get(key(l));
      assert.ok(cands && cands.length > 0, `unexpected ${key(l)}`);
      const i = cands.findIndex(
        (c) => JSON.stringify(Object.entries(c).sort()) === JSON.stringify(Object.entries(l).sort()),
      );
      assert.notEqual(i, -1, `log differs: ${JSON.stringify(l)}`);
      cands.splice(i, 1);
    }
  });

  it('metrics: discovers one stream per metric name, reads each, caches the list', async () => {
    const h = source(oo, { page_size: 50 });
    const streamCalls = (): number => oo.requests.filter((r) => r.path.endsWith('/streams')).length;
    const before = streamCalls();
    const got = (await read(h.src, 'metrics')) as MetricPoint[];
    assert.equal(got.length, points.length);
    assert.equal(streamCalls(), before + 1);
    assert.ok(got.every((p) => !('__hash__' in p.labels) && typeof p.resource.attrs['host.name'] === 'string'));
    const sortKey = (p: MetricPoint): string =>
      `${p.name}|${p.ts}|${JSON.stringify(p.resource.attrs)}|${JSON.stringify(p.labels)}|${p.value}`;
    assert.deepStrictEqual(got.map(sortKey).sort(), points.map(sortKey).sort());
    await read(h.src, 'metrics', { from: W.from, to: W.from + 1000 });
    assert.equal(streamCalls(), before + 1, 'stream list reused within discovery_ttl');
    h.clock.advance(6 * MIN);
    await read(h.src, 'metrics', { from: W.from, to: W.from + 1000 });
    assert.equal(streamCalls(), before + 2, 'stream list refreshed after discovery_ttl');
  });

  it('a configured list of metric streams is read without discovery', async () => {
    const before = oo.requests.filter((r) => r.path.endsWith('/streams')).length;
    const got = (await read(
      source(oo, { streams: { metrics: ['system_cpu_utilization'] } }).src,
      'metrics',
    )) as MetricPoint[];
    assert.equal(got.length, points.filter((p) => p.name === 'system_cpu_utilization').length);
    assert.equal(oo.requests.filter((r) => r.path.endsWith('/streams')).length, before);
  });
});

describe('openobserve source: the traps in the reference', () => {
  let oo: OoStandin;
  after(() => oo?.close());
  const row = (tsUs: number, i: number, extra: Partial<OoRow> = {}): OoRow => ({
    _timestamp: tsUs,
    trace_id: `t${String(i).padStart(31, '0')}`,
    span_id: `s${String(i).padStart(15, '0')}`,
    span_kind: '2',
    span_status: 'UNSET',
    operation_name: 'GET /x',
    service_name: 'svc',
    start_time: BigInt(tsUs) * 1000n,
    end_time: BigInt(tsUs) * 1000n + 5_000_000n,
    duration: 5000,
    ...extra,
  });

  it('total is the page length, not a match count: all rows come back anyway', async () => {
    oo = await startOoStandin({
      rows: { 'traces/default': Array.from({ length: 35 }, (_, i) => row(us(T0) + i * 1000, i)) },
    });
    const got = await read(source(oo, { page_size: 10 }).src, 'traces');
    assert.equal(got.length, 35);
    const first = oo.searches()[0]!;
    assert.equal(first.hits, 10);
    await oo.close();
  });

  it('ties on _timestamp across pages: every row exactly once, where offset paging loses and repeats rows', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => row(us(T0) + Math.floor(i / 50) * 7, i));
    oo = await startOoStandin({ rows: { 'traces/default': rows }, faults: { shuffleTies: true } });
    const got = (await read(source(oo, { page_size: 20 }).src, 'traces')) as Span[];
    assert.equal(got.length, 250);
    assert.equal(new Set(got.map((s) => s.spanId)).size, 250);
    // The trap itself: naive offset paging over the same server repeats and misses rows.
    const seen: string[] = [];
    for (let from = 0; from < 250; from += 20) {
      const res = await fetch(`${oo.url}/api/${oo.org}/_search?type=traces`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Basic ' + Buffer.from(`${STANDIN_AUTH.user}:${STANDIN_AUTH.password}`).toString('base64'),
        },
        body: JSON.stringify({
          query: {
            sql: 'SELECT * FROM "default" ORDER BY _timestamp ASC',
            start_time: us(W.from),
            end_time: us(W.to),
            from,
            size: 20,
          },
        }),
      });
      for (const h of ((await res.json()) as { hits: { span_id: string }[] }).hits) seen.push(h.span_id);
    }
    assert.ok(new Set(seen).size < 250, 'offset paging with unstable ties misses rows');
    await oo.close();
  });

  it('more rows in one microsecond than a page: read whole after a count', async () => {
    const rows = [
      ...Array.from({ length: 30 }, (_, i) => row(us(T0) + 500, i)),
      row(us(T0) + 900, 99),
      row(us(T0), 98),
    ];
    oo = await startOoStandin({ rows: { 'traces/default': rows } });
    const got = await read(source(oo, { page_size: 10 }).src, 'traces');
    assert.equal(got.length, 32);
    assert.ok(
      oo.searches().some((r) => (r.body as { query: { track_total_hits?: boolean } }).query.track_total_hits === true),
    );
    await oo.close();
  });

  it('no explicit size would hit the silent 1,000-row cap; the client never relies on it', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => row(us(T0) + i * 10, i));
    oo = await startOoStandin({ rows: { 'traces/default': rows } });
    const res = await fetch(`${oo.url}/api/${oo.org}/_search?type=traces`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Basic ' + Buffer.from(`${STANDIN_AUTH.user}:${STANDIN_AUTH.password}`).toString('base64'),
      },
      body: JSON.stringify({
        query: { sql: 'SELECT * FROM "default"', start_time: us(W.from), end_time: us(W.to), size: 0 },
      }),
    });
    const body = (await res.json()) as { hits: unknown[]; function_error: string[]; is_partial: boolean };
    assert.equal(body.hits.length, 1000);
    assert.equal(body.is_partial, false);
    assert.match(body.function_error[0]!, /capped/);
    assert.equal((await read(source(oo).src, 'traces')).length, 1500);
    await oo.close();
  });

  it('a page silently cut at 1,000 rows (older OO) is detected by a count and read on', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => row(us(T0) + i * 20, i));
    oo = await startOoStandin({ rows: { 'traces/default': rows }, faults: { silentCap: 1000 } });
    const got = (await read(source(oo).src, 'traces')) as Span[];
    assert.equal(got.length, 2500);
    assert.equal(new Set(got.map((s) => s.spanId)).size, 2500);
    assert.ok(
      oo.searches().some((r) => (r.body as { query: { track_total_hits?: boolean } }).query.track_total_hits === true),
    );
    await oo.close();
  });

  it('histogram sub-streams (_bucket with le, _count, _sum) come back as points of those names', async () => {
    const base = {
      _timestamp: us(T0) + 40_000_000,
      service_name: 'checkout',
      http_request_method: 'GET',
      flag: 'DATA_POINT_FLAGS_DO_NOT_USE',
      aggregation_temporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
      start_time: '1717999000000000000',
    };
    const name = 'http_server_request_duration';
    const rows: Record<string, OoRow[]> = {
      [`metrics/${name}_bucket`]: [
        { ...base, __name__: `${name}_bucket`, __hash__: 12873469812734981234n, le: '0.25', value: 118 },
        { ...base, __name__: `${name}_bucket`, __hash__: 12873469812734981235n, le: 'inf', value: 120 },
      ],
      [`metrics/${name}_count`]: [{ ...base, __name__: `${name}_count`, __hash__: 1n, value: 120 }],
      [`metrics/${name}_sum`]: [{ ...base, __name__: `${name}_sum`, __hash__: 2n, value: 9.5 }],
    };
    oo = await startOoStandin({ rows });
    const got = (await read(source(oo).src, 'metrics')) as MetricPoint[];
    const view = got.map((p) => `${p.name}${JSON.stringify(p.labels)}=${p.value}`).sort();
    assert.deepStrictEqual(view, [
      `${name}_bucket{"http.request.method":"GET","le":"0.25"}=118`,
      `${name}_bucket{"http.request.method":"GET","le":"inf"}=120`,
      `${name}_count{"http.request.method":"GET"}=120`,
      `${name}_sum{"http.request.method":"GET"}=9.5`,
    ]);
    assert.ok(got.every((p) => p.resource.attrs['service.name'] === 'checkout' && p.ts === T0 + 40_000));
    await oo.close();
  });

  it('nanosecond times and big integers keep their precision', async () => {
    oo = await startOoStandin({
      rows: {
        'traces/default': [
          row(1718000000123456, 1, {
            start_time: 1718000000123456789n,
            end_time: 1718000000373456789n,
            duration: 250000,
          }),
        ],
        'logs/default': [{ _timestamp: 1718000000123456, body: 'x', order_id: 12345678901234567890n, small: 42 }],
      },
    });
    const w = { from: 1718000000000, to: 1718000001000 };
    const [s] = (await read(source(oo).src, 'traces', w)) as Span[];
    assert.equal(s!.start, 1718000000123 + 0.456789);
    assert.ok(Math.abs(s!.end - s!.start - 250) < 0.0005);
    const [l] = (await read(source(oo).src, 'logs', w)) as LogRecord[];
    assert.equal(l!.attrs['order_id'], '12345678901234567890');
    assert.equal(l!.attrs['small'], 42);
    await oo.close();
  });

  it('null fields are absent from hits: sparse rows still normalize', async () => {
    oo = await startOoStandin({
      rows: {
        'traces/default': [
          {
            _timestamp: us(T0) + 1,
            trace_id: 'a'.repeat(32),
            span_id: 'b'.repeat(16),
            operation_name: 'op',
            duration: 7,
            service_name: null,
          },
        ],
      },
    });
    const [s] = (await read(source(oo).src, 'traces')) as Span[];
    assert.equal(s!.parentSpanId, undefined);
    assert.equal(s!.spanKind, 'internal');
    assert.ok(Math.abs(s!.end - s!.start - 0.007) < 0.0005);
    assert.deepStrictEqual(s!.resource.attrs, {});
    await oo.close();
  });

  it('a window with 0 rows yields nothing after one request', async () => {
    oo = await startOoStandin({ rows: { 'traces/default': [row(us(T0 + 5 * MIN), 1)] } });
    assert.deepStrictEqual(await read(source(oo).src, 'traces'), []);
    assert.equal(oo.searches().length, 1);
    await oo.close();
  });

  it('rows on the window edges follow half-open semantics', async () => {
    const rows = [row(us(W.from) - 1, 1), row(us(W.from), 2), row(us(W.to) - 1, 3), row(us(W.to), 4)];
    oo = await startOoStandin({ rows: { 'traces/default': rows } });
    const got = (await read(source(oo).src, 'traces')) as Span[];
    assert.deepStrictEqual(got.map((s) => s.spanId).sort(), [rows[1]!['span_id'], rows[2]!['span_id']].sort());
    const q = (oo.searches()[0]!.body as { query: Record<string, number> }).query;
    assert.equal(q['start_time'], us(W.from));
    assert.equal(q['end_time'], us(W.to));
    await oo.close();
  });

  it('malformed rows are counted per reason, not thrown', async () => {
    const rows = [
      row(us(T0) + 1, 1),
      row(us(T0) + 2, 2, { trace_id: undefined }),
      row(us(T0) + 3, 3, { span_kind: 'sideways' }),
      row(us(T0) + 4, 4, { end_time: 1n }),
      row(us(T0) + 5, 5, { start_time: 'soon' }),
      row(us(T0) + 6, 6, { operation_name: undefined }),
      row(us(T0) + 7, 7, { span_id: 17 }),
      row(us(T0) + 8, 8),
    ];
    oo = await startOoStandin({ rows: { 'traces/default': rows } });
    const stats = new RejectStats();
    const got = await read(source(oo, { page_size: 3 }).src, 'traces', W, stats);
    assert.equal(got.length, 2);
    assert.deepStrictEqual(stats.toJSON(), {
      bad_duration: 1,
      bad_span_id: 1,
      bad_span_kind: 1,
      bad_timestamp: 1,
      missing_name: 1,
      missing_trace_id: 1,
    });
    await oo.close();
  });

  it('a clamped range (is_partial with new_start_time) fails the window', async () => {
    oo = await startOoStandin({
      rows: { 'traces/default': [row(us(T0) + 1, 1)] },
      faults: { maxQueryRangeHours: { default: 1 } },
    });
    const w = { from: T0 - 2 * 3_600_000, to: T0 + MIN };
    await assert.rejects(read(source(oo, { slice: '3h' }).src, 'traces', w), (e: unknown) => {
      assert.ok(e instanceof OoPermanentError);
      assert.equal(e.code, 'oo_partial');
      assert.match(e.message, /org 'default' stream 'default' \(traces\)/);
      return true;
    });
    await oo.close();
  });

  it('a one-off partial answer is fetched again, never taken as complete', async () => {
    oo = await startOoStandin({
      rows: { 'traces/default': [row(us(T0) + 1, 1), row(us(T0) + 2, 2)] },
      faults: { search: [{ kind: 'partial' }] },
    });
    const h = source(oo);
    assert.equal((await read(h.src, 'traces')).length, 2);
    assert.equal(oo.searches().length, 2);
    assert.equal(h.delays.length, 1);
    await oo.close();
  });
});

describe('openobserve source: faults, retries and errors', () => {
  let oo: OoStandin;
  const rows = Array.from({ length: 40 }, (_, i) => ({
    _timestamp: us(T0) + i * 1000,
    trace_id: 'f'.repeat(32),
    span_id: i.toString(16).padStart(16, '0'),
    span_kind: '3',
    operation_name: 'call',
    start_time: BigInt(us(T0) + i * 1000) * 1000n,
    duration: 10,
  }));
  before(async () => {
    oo = await startOoStandin({ rows: { 'traces/default': rows } });
  });
  after(() => oo.close());
  const count = (): number => oo.searches().length;

  it('a 500 then success retries, with backoff', async () => {
    oo.faults.search.push({ kind: 'status', status: 500, code: 10001, message: 'ServerInternalError' });
    const n = count();
    const h = source(oo);
    assert.equal((await read(h.src, 'traces')).length, 40);
    assert.equal(count() - n, 2);
    assert.deepStrictEqual(h.delays, [75]);
  });

  it('429 honours Retry-After; backoff grows exponentially', async () => {
    oo.faults.search.push(
      { kind: 'status', status: 429, code: 20012, retryAfter: '2' },
      { kind: 'status', status: 503, plain: 'busy' },
      { kind: 'status', status: 502 },
    );
    const h = source(oo);
    assert.equal((await read(h.src, 'traces')).length, 40);
    assert.deepStrictEqual(h.delays, [2000, 150, 300]);
  });

  it('a Retry-After beyond max_delay gives up with a transient error', async () => {
    oo.faults.search.push({ kind: 'status', status: 429, retryAfter: '600' });
    await assert.rejects(
      read(source(oo).src, 'traces'),
      (e: unknown) => e instanceof OoTransientError && e.code === 'oo_rate_limited' && !(e instanceof PermanentError),
    );
  });

  it('network reset, truncated JSON, a stale repeated page and a hung request are retried', async () => {
    const pageSize = 15;
    const h0 = source(oo, { page_size: pageSize });
    assert.equal((await read(h0.src, 'traces')).length, 40);
    oo.faults.search.push({ kind: 'reset' }, { kind: 'truncate' });
    const h1 = source(oo, { page_size: pageSize });
    assert.equal((await read(h1.src, 'traces')).length, 40);
    assert.equal(h1.delays.length, 2);
    // first page normal, second page answered with the first page again
    let i = 0;
    oo.faults.when = () => (++i === 2 ? { kind: 'repeat-page' } : undefined);
    const h2 = source(oo, { page_size: pageSize });
    const got = (await read(h2.src, 'traces')) as Span[];
    oo.faults.when = undefined;
    assert.equal(got.length, 40);
    assert.equal(new Set(got.map((s) => s.spanId)).size, 40);
    assert.equal(h2.delays.length, 1);
    oo.faults.search.push({ kind: 'hang' });
    const h3 = source(oo, { request_timeout: '300ms' });
    assert.equal((await read(h3.src, 'traces')).length, 40);
    assert.equal(h3.delays.length, 1);
  });

  it('gives up after max_attempts with a transient error naming org and stream', async () => {
    for (let k = 0; k < 4; k++) oo.faults.search.push({ kind: 'status', status: 503, plain: 'upstream unavailable' });
    const n = count();
    await assert.rejects(read(source(oo).src, 'traces'), (e: unknown) => {
      assert.ok(e instanceof OoTransientError && !(e instanceof PermanentError));
      assert.equal(e.code, 'oo_unavailable');
      assert.match(e.message, /org 'default' stream 'default' \(traces\).*after 4 attempts.*503/);
      return true;
    });
    assert.equal(count() - n, 4);
  });

  it('a 401 fails at once with a clear message', async () => {
    const n = count();
    await assert.rejects(read(source(oo, {}, 'wrong').src, 'traces'), (e: unknown) => {
      assert.ok(e instanceof OoPermanentError);
      assert.equal(e.code, 'oo_unauthorized');
      assert.match(e.message, /401 Unauthorized/);
      assert.match(e.message, /org 'default'/);
      assert.match(e.message, /password_env/);
      return true;
    });
    assert.equal(count() - n, 1);
  });

  it('403, 404 and OO error codes fail at once naming org and stream', async () => {
    await assert.rejects(
      read(source(oo, { org: 'other' }).src, 'traces'),
      (e: unknown) => e instanceof OoPermanentError && e.code === 'oo_forbidden' && /org 'other'/.test(e.message),
    );
    await assert.rejects(
      read(source(oo, { url: `${oo.url}/api` }).src, 'traces'),
      (e: unknown) => e instanceof OoPermanentError && e.code === 'oo_not_found' && /check url/.test(e.message),
    );
    await assert.rejects(read(source(oo, { streams: { traces: 'ordres' } }).src, 'traces'), (e: unknown) => {
      assert.ok(e instanceof OoPermanentError);
      assert.equal(e.code, 'oo_stream_not_found');
      assert.equal(e.ooCode, 20002);
      assert.match(e.message, /org 'default' stream 'ordres' \(traces\)/);
      return true;
    });
    oo.faults.search.push({ kind: 'status', status: 400, code: 20001, message: 'Search SQL not valid' });
    await assert.rejects(
      read(source(oo).src, 'traces'),
      (e: unknown) => e instanceof OoPermanentError && e.code === 'oo_query_rejected' && e.ooCode === 20001,
    );
  });

  it('an aborted signal stops the read without retrying', async () => {
    oo.faults.search.push({ kind: 'hang' });
    const ac = new AbortController();
    const h = source(oo);
    const p = (async () => {
      for await (const _ of h.src.stream(tenant, 'traces', W, new RejectStats(), ac.signal)) void _;
    })();
    setTimeout(() => ac.abort(new Error('shutdown')), 50);
    await assert.rejects(p, /shutdown/);
    assert.equal(h.delays.length, 0);
  });

  it('a missing password env var is a config error at construction', () => {
    const config = openobserveConfigSchema.parse({
      kind: 'openobserve',
      url: oo.url,
      user: 'u',
      password_env: 'OO_NOT_SET',
    });
    assert.throws(() => new OpenObserveSource(config, { clock: new ManualClock(0), env: {} }), /OO_NOT_SET is not set/);
  });
});
