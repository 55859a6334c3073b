/**
 * CallsAggregator against the exact oracle (test/helpers/exact-calls.ts) on generated traffic:
 * every edge's counts, rps and err_rate equal, p50/p95 within the sketch's 1 %; the outcome counters
 * equal; and consecutive windows together count every call exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallsAggregator, type CallsOutput } from '../../../src/agg/calls.js';
import type { Span } from '../../../src/core/records.js';
import type { Window } from '../../../src/core/window.js';
import { diffCallRows, exactCalls } from '../../helpers/exact-calls.js';
import { generateSpans, shuffle } from './span-gen.js';

const T = Date.parse('2024-03-01T10:00:00Z');
const FIVE = 300_000;

function aggregate(spans: Iterable<Span>, w: Window): CallsOutput {
  const agg = new CallsAggregator({ window: w, padMs: 60_000 });
  for (const s of spans) agg.add(s);
  return agg.finish();
}

const OUTCOMES = ['paired', 'database', 'virtualServer', 'virtualClient', 'unpairedClient', 'unpairedServer'] as const;

for (const seed of [1, 2, 3]) {
  test(`seed ${seed}: one 5m window equals the exact computation, in any arrival order`, () => {
    const w = { from: T, to: T + FIVE };
    const spans = generateSpans({ seed, from: T - 120_000, to: T + FIVE + 120_000, traces: 400 });
    const exact = exactCalls(spans, w);
    assert.ok(exact.edges.length > 20, `enough edges (${exact.edges.length})`);
    assert.ok(exact.paired > 50 && exact.database > 20 && exact.virtualServer > 10 && exact.virtualClient > 50);
    assert.ok(exact.unpairedClient > 0 && exact.unpairedServer > 0 && exact.duplicates > 0);
    const orders: Span[][] = [
      spans,
      [...spans].sort((a, b) => b.start - a.start), // OpenObserve's default: newest first
      shuffle([...spans], seed),
    ];
    for (const order of orders) {
      const out = aggregate(order, w);
      assert.deepEqual(diffCallRows(out.rows, exact.edges), []);
      for (const k of OUTCOMES) assert.equal(out.stats[k], exact[k], k);
      assert.equal(out.stats.duplicates, exact.duplicates);
      assert.equal(out.stats.evicted, 0);
      const types = new Map(exact.edges.map((e) => [`${e.srcUrn} ${e.dstUrn}`, e.connectionType]));
      for (const r of out.rows) assert.equal(r.connectionType, types.get(`${r.srcUrn} ${r.dstUrn}`));
    }
  });
}

test('consecutive windows count each call once, in its client span bucket', () => {
  const spans = generateSpans({ seed: 11, from: T, to: T + 3 * FIVE, traces: 900 });
  // Windows run separately, each fed the whole stream (it keeps only its padded range).
  const perWindow = [0, 1, 2].map((i) => aggregate(spans, { from: T + i * FIVE, to: T + (i + 1) * FIVE }));
  const all = exactCalls(spans, { from: T, to: T + 3 * FIVE });
  const rows = perWindow.flatMap((o) => o.rows);
  assert.deepEqual(diffCallRows(rows, all.edges), []);
  for (const k of OUTCOMES) {
    assert.equal(
      perWindow.reduce((n, o) => n + o.stats[k], 0),
      all[k],
      k,
    );
  }
  // Calls near the edges exist: some client spans start in the last second of a window.
  const nearEdge = spans.filter((s) => s.spanKind === 'client' && (s.start - T) % FIVE > FIVE - 60_000).length;
  assert.ok(nearEdge > 10);
  assert.ok(perWindow.every((o) => o.stats.outsideWindow > 0));
});
