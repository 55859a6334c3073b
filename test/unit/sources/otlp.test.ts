import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MetricPoint, Span } from '../../../src/core/records.js';
import { RejectStats } from '../../../src/core/reject-stats.js';
import {
  idOf,
  logsFromOtlp,
  metricsFromOtlp,
  ooMetricName,
  spansFromOtlp,
} from '../../../src/sources/normalize/otlp.js';
import { fixturesDir } from '../../helpers/paths.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(fixturesDir, 'spans', name), 'utf8')) as Record<string, unknown>;

describe('OTLP/JSON → spans', () => {
  it('reads the Tempo queue/database trace (base64 ids, enum names) into linked spans', () => {
    const stats = new RejectStats();
    const spans = [...spansFromOtlp(fixture('tempo-trace-with-queue-database.json'), stats)];
    assert.equal(stats.total, 0);
    assert.equal(spans.length, 19);
    assert.ok(
      spans.every(
        (s) => s.traceId.startsWith('4290b587') && /^[0-9a-f]{32}$/.test(s.traceId) && /^[0-9a-f]{16}$/.test(s.spanId),
      ),
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    assert.equal(roots.length, 1);
    assert.equal(roots[0]!.spanKind, 'client');
    for (const s of spans) if (s.parentSpanId !== undefined) assert.ok(byId.has(s.parentSpanId), `parent of ${s.name}`);
    const db = spans.find((s) => s.name === 'pg.query:SELECT')!;
    assert.equal(db.spanKind, 'client');
    assert.equal(db.attrs['db.system'], 'postgresql');
    assert.equal(db.attrs['db.name'], 'postgres');
    assert.equal(db.resource.attrs['service.name'], 'mythical-server');
    assert.ok(Math.abs(db.end - db.start - 23.781) < 0.001);
    const producer = spans.find((s) => s.spanKind === 'producer')!;
    assert.equal(producer.attrs['messaging.system'], 'rabbitmq');
    const consumer = spans.find((s) => s.spanKind === 'consumer')!;
    assert.equal(consumer.parentSpanId, producer.spanId);
    assert.equal(consumer.resource.attrs['service.name'], 'mythical-recorder');
    assert.equal(new Set(spans.map((s) => s.resource.attrs['service.name'])).size, 3);
  });

  it('marks STATUS_CODE_ERROR spans as errors (failed-requests trace)', () => {
    const spans = [...spansFromOtlp(fixture('tempo-trace-with-failed-requests.json'), new RejectStats())];
    const failed = spans.filter((s) => s.error);
    assert.ok(failed.some((s) => s.spanKind === 'server' && s.resource.attrs['service.name'] === 'mythical-server'));
    assert.ok(failed.some((s) => s.name.startsWith('pg.query:INSERT')));
    assert.ok(spans.some((s) => !s.error));
  });

  it('reads the spec form: hex ids, numeric kinds and status codes, intValue as string', () => {
    const req = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5B8EFFF798038103D269B633813FC60C',
                  spanId: 'EEE19B7EC3C1B174',
                  parentSpanId: '',
                  name: 'GET /cart',
                  kind: 2,
                  startTimeUnixNano: '1718000000123456789',
                  endTimeUnixNano: '1718000000373456789',
                  attributes: [
                    { key: 'http.response.status_code', value: { intValue: '503' } },
                    { key: 'big', value: { intValue: '12345678901234567890' } },
                    { key: 'ratio', value: { doubleValue: 0.5 } },
                    { key: 'ok', value: { boolValue: false } },
                    { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
                  ],
                  status: { code: 2, message: 'upstream timeout' },
                },
              ],
            },
          ],
        },
      ],
    };
    const [s] = [...spansFromOtlp(req, new RejectStats())] as Span[];
    assert.deepStrictEqual(s, {
      kind: 'span',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      spanKind: 'server',
      start: 1718000000123 + 0.456789,
      end: 1718000000373 + 0.456789,
      error: true,
      name: 'GET /cart',
      attrs: {
        'http.response.status_code': 503,
        big: '12345678901234567890',
        ratio: 0.5,
        ok: false,
        tags: '["a",2]',
        'otel.status_description': 'upstream timeout',
      },
      resource: { attrs: { 'service.name': 'checkout' } },
    });
  });

  it('ids: hex, base64, empty and invalid', () => {
    assert.equal(idOf('QpC1h3qZMN55u0KDZTmOzA==', 16), '4290b5877a9930de79bb428365398ecc');
    assert.equal(idOf('', 8), '');
    assert.equal(idOf(undefined, 8), '');
    assert.equal(idOf('xyz', 8), undefined);
    assert.equal(idOf(42, 8), undefined);
  });
});

describe('OTLP/JSON → logs and metrics', () => {
  it('logs: time, observed-time fallback, severity text or number, body AnyValue, trace context', () => {
    const req = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1718000000000000000',
                  severityText: 'warn',
                  body: { stringValue: 'slow' },
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                },
                {
                  timeUnixNano: '0',
                  observedTimeUnixNano: '1718000001000000000',
                  severityNumber: 17,
                  body: { kvlistValue: { values: [{ key: 'a', value: { intValue: '1' } }] } },
                },
                { severityText: 'INFO' },
              ],
            },
          ],
        },
      ],
    };
    const stats = new RejectStats();
    const logs = [...logsFromOtlp(req, stats)];
    assert.equal(logs.length, 2);
    assert.deepStrictEqual(logs[0], {
      kind: 'log',
      ts: 1718000000000,
      body: 'slow',
      attrs: {},
      resource: { attrs: { 'service.name': 'api' } },
      severity: 'WARN',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
    });
    assert.equal(logs[1]!.ts, 1718000001000);
    assert.equal(logs[1]!.severity, 'ERROR');
    assert.equal(logs[1]!.body, '{"a":1}');
    assert.deepStrictEqual(stats.toJSON(), { missing_timestamp: 1 });
  });

  it('metrics: names in OO stream form; histograms, exponential histograms and summaries expand like OO', () => {
    const t = '1718000000000000000';
    const attrs = [{ key: 'http.route', value: { stringValue: '/cart' } }];
    const req = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'process.cpu.utilization',
                  gauge: { dataPoints: [{ timeUnixNano: t, asDouble: 0.25, attributes: attrs }] },
                },
                {
                  name: 'http.server.requests',
                  sum: {
                    isMonotonic: true,
                    dataPoints: [
                      { timeUnixNano: t, asInt: '42' },
                      { timeUnixNano: t, asDouble: 'NaN' },
                    ],
                  },
                },
                {
                  name: 'http.server.request.duration',
                  histogram: {
                    dataPoints: [
                      {
                        timeUnixNano: t,
                        count: '6',
                        sum: 1.5,
                        min: 0.01,
                        max: 0.9,
                        bucketCounts: ['1', '2', '3'],
                        explicitBounds: [0.1, 0.5],
                        attributes: attrs,
                      },
                    ],
                  },
                },
                {
                  name: 'rpc.latency',
                  exponentialHistogram: {
                    dataPoints: [
                      {
                        timeUnixNano: t,
                        count: '3',
                        sum: 3,
                        scale: 0,
                        positive: { offset: 1, bucketCounts: ['1', '2'] },
                      },
                    ],
                  },
                },
                {
                  name: 'gc.pause',
                  summary: {
                    dataPoints: [
                      {
                        timeUnixNano: t,
                        count: '10',
                        sum: 2,
                        quantileValues: [
                          { quantile: 0.5, value: 0.1 },
                          { quantile: 0.99, value: 0.7 },
                        ],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const stats = new RejectStats();
    const pts = [...metricsFromOtlp(req, stats)] as MetricPoint[];
    const view = pts.map((p) => `${p.name}${JSON.stringify(p.labels)}=${p.value}`);
    assert.deepStrictEqual(view, [
      'process_cpu_utilization{"http.route":"/cart"}=0.25',
      'http_server_requests{}=42',
      'http_server_request_duration_count{"http.route":"/cart"}=6',
      'http_server_request_duration_sum{"http.route":"/cart"}=1.5',
      'http_server_request_duration_min{"http.route":"/cart"}=0.01',
      'http_server_request_duration_max{"http.route":"/cart"}=0.9',
      'http_server_request_duration_bucket{"http.route":"/cart","le":"0.1"}=1',
      'http_server_request_duration_bucket{"http.route":"/cart","le":"0.5"}=3',
      'http_server_request_duration_bucket{"http.route":"/cart","le":"inf"}=6',
      'rpc_latency_count{}=3',
      'rpc_latency_sum{}=3',
      'rpc_latency_bucket{"le":"4"}=1',
      'rpc_latency_bucket{"le":"8"}=2',
      'gc_pause_count{}=10',
      'gc_pause_sum{}=2',
      'gc_pause{"quantile":"0.5"}=0.1',
      'gc_pause{"quantile":"0.99"}=0.7',
    ]);
    assert.ok(pts.every((p) => p.ts === 1718000000000 && p.resource.attrs['service.name'] === 'api'));
    assert.deepStrictEqual(stats.toJSON(), { nan_value: 1 });
    assert.equal(ooMetricName('HTTP.Server-Duration'), 'http_server_duration');
  });
});
