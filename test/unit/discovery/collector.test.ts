import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricPoint, Span } from '../../../src/core/records.js';
import { DiscoveryCollector, type CollectorOptions } from '../../../src/discovery/collector.js';

const H = 3_600_000;
const T0 = Date.parse('2026-06-10T06:00:00Z');
const OPTS: CollectorOptions = {
  debounceMs: H,
  maxValuesPerKey: 1000,
  maxKeysPerName: 50,
  maxSetsPerName: 100,
  maxNames: 1000,
};
const res = { attrs: { 'service.name': 'checkout', 'host.name': 'node-1' } };

function point(i: number, labels: MetricPoint['labels'], name = 'http_requests'): MetricPoint {
  return { kind: 'metric', ts: T0 + (i % 3_000_000), name, value: i, labels, resource: res };
}

describe('DiscoveryCollector', () => {
  it('finds a label value that occurs once in 1,000,000 records, and a 1M-value label stays capped', () => {
    const c = new DiscoveryCollector('metric', OPTS);
    const rare = 777_777;
    for (let i = 0; i < 1_000_000; i++) {
      c.add(point(i, { region: i === rare ? 'ap-rare-1' : 'eu-west-1', request_id: `r${i}` }));
    }
    const out = c.finish();
    assert.equal(out.records, 1_000_000);
    assert.equal(out.names.length, 1);
    const e = out.names[0]!;
    assert.equal(e.namespace, 'checkout');
    assert.equal(e.count, 1_000_000);
    const region = e.keys.get('region')!;
    const r = region.values.get('ap-rare-1')!;
    assert.deepEqual([r.first, r.last, r.count], [T0 + rare, T0 + rare, 1]);
    assert.equal(region.values.get('eu-west-1')!.count, 999_999);
    // the unbounded label: 1000 values kept, the rest counted, not stored
    const rid = e.keys.get('request_id')!;
    assert.equal(rid.values.size, 1000);
    assert.equal(rid.valuesOverflow, 999_000);
    assert.equal(rid.count, 1_000_000);
    // resource attributes are keys too
    assert.equal(e.keys.get('host.name')!.values.get('node-1')!.count, 1_000_000);
    // sets (co-occurrence) are capped too: the first records' unique request ids filled them, and
    // every later set is counted as overflow (the API reports such answers as partial)
    assert.equal(e.sets.size, 100);
    assert.equal(e.setsOverflow, 1_000_000 - 100);
  });

  it('leaves identifiers out of sets: a key past maxSetValuesPerKey drops out, the earlier sets merge', () => {
    const c = new DiscoveryCollector('metric', { ...OPTS, maxSetValuesPerKey: 10 });
    const rare = 777;
    for (let i = 0; i < 100_000; i++) {
      c.add(point(i, { region: i === rare ? 'ap-rare-1' : 'eu-west-1', request_id: `r${i}` }));
    }
    const e = c.finish().names[0]!;
    // every value is still recorded; only the sets forget the identifier
    assert.equal(e.keys.get('request_id')!.values.size, 1000);
    assert.equal(e.keys.get('request_id')!.inSets, false);
    assert.equal(e.keys.get('region')!.inSets, true);
    const sets = [...e.sets.values()].map((s) => [s.attrs, s.count]);
    assert.deepEqual(sets, [
      [{ 'host.name': 'node-1', region: 'eu-west-1', 'service.name': 'checkout' }, 99_999],
      [{ 'host.name': 'node-1', region: 'ap-rare-1', 'service.name': 'checkout' }, 1],
    ]);
    assert.equal(e.setsOverflow, 0, 'the rare combination is a set, not overflow');
  });

  it('sets do not depend on when in the window an identifier crossed the limit', () => {
    const recs = Array.from({ length: 200 }, (_, i) => point(i, { code: String(i % 3), user: `u${i % 40}` }));
    const setsOf = (rs: MetricPoint[]) => {
      const c = new DiscoveryCollector('metric', { ...OPTS, maxSetValuesPerKey: 5 });
      for (const r of rs) c.add(r);
      const e = c.finish().names[0]!;
      return [...e.sets.values()]
        .map((s) => [JSON.stringify(s.attrs), s.count, s.first, s.last] as const)
        .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    };
    const forward = setsOf(recs);
    assert.equal(forward.length, 3); // code 0/1/2, user left out
    assert.deepEqual(
      forward.map((s) => s[1]),
      [67, 67, 66],
    );
    assert.deepEqual(setsOf([...recs].reverse()), forward);
  });

  it('splits by debounce window on the record time and by namespace and name', () => {
    const c = new DiscoveryCollector('metric', OPTS);
    c.add(point(0, { a: 'x' }));
    c.add({ ...point(1, { a: 'y' }), ts: T0 + H + 5 });
    c.add({ ...point(2, { a: 'x' }, 'other'), resource: { attrs: {} } });
    const names = c.finish().names.map((e) => [e.windowStart - T0, e.namespace, e.name, e.count]);
    assert.deepEqual(names, [
      [0, 'checkout', 'http_requests', 1],
      [H, 'checkout', 'http_requests', 1],
      [0, '_', 'other', 1],
    ]);
  });

  it('caps names, keys per name and sets per name, counting what they turn away', () => {
    const c = new DiscoveryCollector('span', { ...OPTS, maxNames: 2, maxKeysPerName: 2, maxSetsPerName: 3 });
    const span = (name: string, attrs: Span['attrs']): Span => ({
      kind: 'span',
      traceId: 't',
      spanId: 's',
      spanKind: 'server',
      start: T0,
      end: T0 + 1,
      error: false,
      name,
      attrs,
      resource: { attrs: {} },
    });
    c.add(span('a', { k1: 1, k2: true, k3: 'x' }));
    for (let i = 0; i < 5; i++) c.add(span('a', { k1: i }));
    c.add(span('b', {}));
    c.add(span('c', {}));
    const out = c.finish();
    assert.equal(out.namesOverflow, 1);
    const a = out.names.find((e) => e.name === 'a')!;
    assert.deepEqual([...a.keys.keys()], ['k1', 'k2']);
    assert.equal(a.keysOverflow, 1);
    assert.equal(a.keys.get('k2')!.values.get('true')!.count, 1, 'values as text');
    assert.equal(a.sets.size, 3);
    assert.equal(a.setsOverflow, 3);
  });
});
