import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset, LogRecord, MetricPoint, Span, TelemetryRecord } from '../../../src/core/records.js';
import { RejectStats } from '../../../src/core/reject-stats.js';
import type { Tenant } from '../../../src/core/tenant.js';
import type { Window } from '../../../src/core/window.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';

const tenant: Tenant = { id: 1, code: 'acme', name: 'Acme' };
const T0 = Date.UTC(2024, 5, 10, 6, 0);
const MIN = 60_000;

function mock(input: Record<string, unknown> = {}): MockSource {
  return new MockSource(mockConfigSchema.parse({ kind: 'mock', ...input }));
}

async function collect(src: MockSource, dataset: Dataset, w: Window, t: Tenant = tenant): Promise<TelemetryRecord[]> {
  const out: TelemetryRecord[] = [];
  for await (const r of src.stream(t, dataset, w, new RejectStats())) out.push(r);
  return out;
}

const text = (rs: TelemetryRecord[]): string => rs.map((r) => JSON.stringify(r)).join('\n');
const spansOf = (rs: TelemetryRecord[]): Span[] => rs.filter((r): r is Span => r.kind === 'span');

describe('mock source: determinism', () => {
  for (const dataset of ['logs', 'metrics', 'traces'] as const) {
    it(`${dataset}: [0,5m) is byte-identical to five 1m windows, asked in any order`, async () => {
      const cfg = { seed: 7, per_minute: { logs: 1500 } };
      const whole = text(await collect(mock(cfg), dataset, { from: T0, to: T0 + 5 * MIN }));
      const src = mock(cfg);
      const parts: string[] = [];
      for (const i of [3, 0, 4, 1, 2])
        parts[i] = text(await collect(src, dataset, { from: T0 + i * MIN, to: T0 + (i + 1) * MIN }));
      assert.equal(parts.join('\n'), whole);
      assert.ok(whole.length > 1000);
    });
  }

  it('an unaligned window is the aligned records filtered to it', async () => {
    const all = await collect(mock(), 'traces', { from: T0, to: T0 + 2 * MIN });
    const part = await collect(mock(), 'traces', { from: T0 + 30_000, to: T0 + 90_000 });
    const expected = spansOf(all).filter((s) => s.start >= T0 + 30_000 && s.start < T0 + 90_000);
    assert.equal(text(part), text(expected));
    assert.ok(part.length > 500 && part.length < 1500);
  });

  it('another seed or another tenant gives other records', async () => {
    const w = { from: T0, to: T0 + MIN };
    const a = text(await collect(mock({ seed: 1 }), 'logs', w));
    assert.notEqual(text(await collect(mock({ seed: 2 }), 'logs', w)), a);
    assert.notEqual(text(await collect(mock({ seed: 1 }), 'logs', w, { id: 2, code: 'globex', name: 'Globex' })), a);
  });

  it('drops nothing outside and yields nothing outside the window (half-open)', async () => {
    const w = { from: T0 + 15_000, to: T0 + 45_000 };
    for (const ds of ['logs', 'metrics', 'traces'] as const) {
      for (const r of await collect(mock(), ds, w)) {
        const t = r.kind === 'span' ? r.start : r.ts;
        assert.ok(t >= w.from && t < w.to, `${ds} record at ${t} outside ${w.from}..${w.to}`);
      }
    }
  });
});

describe('mock source: volumes and realism', () => {
  it('default volumes per minute are 5,000 logs, 500 metric points, 1,000 spans', async () => {
    const src = mock();
    const w = { from: T0 + 10 * MIN, to: T0 + 11 * MIN };
    assert.equal((await collect(src, 'logs', w)).length, 5000);
    assert.equal((await collect(src, 'metrics', w)).length, 500);
    assert.equal((await collect(src, 'traces', w)).length, 1000);
    assert.equal((await collect(src, 'logs', { from: T0, to: T0 + 3 * MIN })).length, 15_000);
  });

  it('volumes are configurable and scale', async () => {
    const src = mock({ per_minute: { logs: 100, metrics: 7, spans: 50 }, scale: 3 });
    const w = { from: T0, to: T0 + MIN };
    assert.equal((await collect(src, 'logs', w)).length, 300);
    assert.equal((await collect(src, 'metrics', w)).length, 21);
    assert.equal((await collect(src, 'traces', w)).length, 150);
  });

  it('traces model services, namespaces, client/server pairs, a database and a queue', async () => {
    const spans = spansOf(await collect(mock(), 'traces', { from: T0, to: T0 + 2 * MIN }));
    const services = new Set(spans.map((s) => s.resource.attrs['service.name']));
    const namespaces = new Set(spans.map((s) => s.resource.attrs['k8s.namespace.name']));
    assert.ok(services.size >= 10 && services.size <= 20, `services: ${services.size}`);
    assert.ok(namespaces.size >= 3);
    const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
    let paired = 0;
    for (const s of spans) {
      if (s.parentSpanId === undefined) {
        assert.equal(s.spanKind, 'server');
        continue;
      }
      const parent = byId.get(`${s.traceId}/${s.parentSpanId}`);
      assert.ok(parent, `parent of ${s.spanId} missing`);
      if (s.spanKind === 'server') {
        assert.equal(parent.spanKind, 'client');
        assert.ok(parent.start <= s.start && parent.end >= s.end, 'server span inside its client span');
        assert.notEqual(parent.resource.attrs['service.name'], s.resource.attrs['service.name']);
        paired++;
      }
      if (s.spanKind === 'consumer') assert.equal(parent.spanKind, 'producer');
    }
    assert.ok(paired > 300);
    const db = spans.filter((s) => s.attrs['db.system'] === 'postgresql');
    assert.ok(db.length > 50);
    for (const s of db) {
      assert.equal(s.spanKind, 'client');
      assert.equal(typeof s.attrs['db.name'], 'string');
      assert.equal(typeof s.attrs['server.address'], 'string');
    }
    const kafka = spans.filter((s) => s.attrs['messaging.system'] === 'kafka' && s.spanKind === 'producer');
    assert.ok(kafka.length > 5);
    assert.ok(kafka.every((s) => typeof s.attrs['messaging.destination.name'] === 'string'));
    assert.ok(spans.some((s) => s.error));
    for (const s of spans) assert.ok(s.end >= s.start && Number.isFinite(s.end));
    // long tail: p99 of server latency well above the median
    const d = spans
      .filter((s) => s.spanKind === 'server')
      .map((s) => s.end - s.start)
      .sort((a, b) => a - b);
    assert.ok(d[Math.floor(d.length * 0.99)]! > 5 * d[Math.floor(d.length / 2)]!);
  });

  it('logs come from templates with ERROR/WARN and some carry trace ids of real spans', async () => {
    const w = { from: T0, to: T0 + MIN };
    const logs = (await collect(mock(), 'logs', w)) as LogRecord[];
    const spans = spansOf(await collect(mock(), 'traces', w));
    const ids = new Set(spans.map((s) => `${s.traceId}/${s.spanId}`));
    const sev = (s: string): number => logs.filter((l) => l.severity === s).length / logs.length;
    assert.ok(sev('ERROR') > 0.01 && sev('ERROR') < 0.1, `error share ${sev('ERROR')}`);
    assert.ok(sev('WARN') > 0.02 && sev('WARN') < 0.2, `warn share ${sev('WARN')}`);
    const traced = logs.filter((l) => l.traceId !== undefined);
    assert.equal(traced.length, 1000);
    assert.ok(traced.every((l) => ids.has(`${l.traceId}/${l.spanId}`)));
    const shapes = new Set(logs.map((l) => l.body.replace(/[0-9a-f]{8}-[0-9a-f-]{27}|\d+(\.\d+)?/g, '#')));
    assert.ok(shapes.size >= 30, `distinct shapes: ${shapes.size}`);
    assert.ok(logs.every((l) => typeof l.resource.attrs['service.name'] === 'string'));
  });

  it('metrics cover host CPU, memory and disk', async () => {
    const pts = (await collect(mock(), 'metrics', { from: T0, to: T0 + MIN })) as MetricPoint[];
    const names = new Set(pts.map((p) => p.name));
    for (const n of [
      'system_cpu_utilization',
      'system_memory_utilization',
      'system_disk_io',
      'system_filesystem_utilization',
    ])
      assert.ok(names.has(n), n);
    const hosts = new Set(
      pts.filter((p) => p.name === 'system_cpu_utilization').map((p) => p.resource.attrs['host.name']),
    );
    assert.ok(hosts.size >= 3);
    assert.ok(pts.every((p) => Number.isFinite(p.value)));
    assert.ok(pts.filter((p) => p.name === 'system_cpu_utilization').every((p) => p.value >= 0 && p.value <= 1));
  });
});

describe('mock source: incident knob', () => {
  const to = (ms: number): string => new Date(ms).toISOString();
  const calls = (spans: Span[]): Span[] => spans.filter((s) => s.attrs['db.name'] === 'orders');
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  it('slows the named dependency and makes it fail, only inside [from, to)', async () => {
    const incident = {
      dependency: 'orders-db',
      from: to(T0 + 2 * MIN),
      to: to(T0 + 4 * MIN),
      latency_factor: 10,
      error_rate: 0.5,
    };
    const plain = mock({ seed: 3, scale: 3 });
    const sick = mock({ seed: 3, scale: 3, incident });
    const during = { from: T0 + 2 * MIN, to: T0 + 4 * MIN };
    const a = calls(spansOf(await collect(plain, 'traces', during)));
    const b = calls(spansOf(await collect(sick, 'traces', during)));
    assert.ok(a.length > 30 && b.length > 30);
    const ratio = median(b.map((s) => s.end - s.start)) / median(a.map((s) => s.end - s.start));
    assert.ok(ratio > 5, `latency ratio ${ratio}`);
    const errA = a.filter((s) => s.error).length / a.length;
    const errB = b.filter((s) => s.error).length / b.length;
    assert.ok(errA < 0.05 && errB > 0.3, `error rates ${errA} → ${errB}`);
    // callers log timeouts naming the dependency
    const logs = (await collect(mock({ seed: 3, incident }), 'logs', {
      from: T0 + 2 * MIN,
      to: T0 + 3 * MIN,
    })) as LogRecord[];
    assert.ok(logs.filter((l) => l.body.includes('orders-db') && l.severity === 'ERROR').length > 50);
  });

  it('leaves records before and after the incident byte-identical', async () => {
    const incident = { dependency: 'payments', from: to(T0 + MIN), to: to(T0 + 2 * MIN) };
    const plain = mock();
    const sick = mock({ incident });
    for (const w of [
      { from: T0, to: T0 + MIN },
      { from: T0 + 2 * MIN, to: T0 + 3 * MIN },
    ])
      for (const ds of ['traces', 'logs', 'metrics'] as const)
        assert.equal(text(await collect(sick, ds, w)), text(await collect(plain, ds, w)));
    const inside = { from: T0 + MIN, to: T0 + 2 * MIN };
    assert.notEqual(text(await collect(sick, 'traces', inside)), text(await collect(plain, 'traces', inside)));
    // a sick service burns CPU
    const cpu = async (src: MockSource): Promise<number> => {
      const pts = (await collect(src, 'metrics', inside)) as MetricPoint[];
      const xs = pts.filter(
        (p) => p.name === 'k8s_pod_cpu_utilization' && p.resource.attrs['service.name'] === 'payments',
      );
      return xs.reduce((s, p) => s + p.value, 0) / xs.length;
    };
    assert.ok((await cpu(sick)) > (await cpu(plain)) + 0.1);
  });

  it('rejects an unknown dependency with the list of known ones', () => {
    const r = mockConfigSchema.safeParse({ kind: 'mock', incident: { dependency: 'nope' } });
    assert.equal(r.success, false);
    assert.match(JSON.stringify(r.error?.issues), /orders-db/);
  });
});
