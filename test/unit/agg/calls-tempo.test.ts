/**
 * The Tempo service-graph fixtures give the edges of service-graph.md §8 (our rules), including the
 * diagnostics (unpaired clients / servers), whatever order the spans arrive in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallsAggregator, type CallRow, type CallsOutput } from '../../../src/agg/calls.js';
import type { Span } from '../../../src/core/records.js';
import { loadTempoFixture } from './tempo-fixture.js';

const FIVE_MIN = 300_000;

function run(spans: readonly Span[], bucketIso: string): CallsOutput {
  const from = Date.parse(bucketIso);
  const agg = new CallsAggregator({ window: { from, to: from + FIVE_MIN }, padMs: 60_000 });
  for (const s of spans) agg.add(s);
  return agg.finish();
}

interface Expected {
  src: string;
  dst: string;
  type: string;
  calls: number;
  errRate: number;
  ms: number;
}

function assertEdges(out: CallsOutput, bucketIso: string, expected: Expected[]): void {
  const bucket = Date.parse(bucketIso);
  const got = new Map(out.rows.map((r) => [`${r.srcUrn} -> ${r.dstUrn}`, r] as [string, CallRow]));
  assert.deepEqual([...got.keys()].sort(), expected.map((e) => `${e.src} -> ${e.dst}`).sort(), 'edge set');
  for (const e of expected) {
    const r = got.get(`${e.src} -> ${e.dst}`) as CallRow;
    assert.equal(r.bucket, bucket);
    assert.equal(r.connectionType, e.type, `${e.src} -> ${e.dst} type`);
    assert.equal(r.calls, e.calls);
    assert.equal(r.errRate, e.errRate);
    assert.ok(Math.abs(r.rps - e.calls / 300) < 1e-12);
    for (const v of [r.p50, r.p95]) {
      assert.ok(Math.abs(v - e.ms) <= 0.01 * e.ms, `${e.src} -> ${e.dst}: latency ${v} vs ${e.ms}`);
    }
    assert.equal(r.sampleTraceIds.length, 1);
  }
}

/** A deterministic shuffle, so every fixture is also checked in a scrambled arrival order. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

const REQ = 'urn:svc:_/mythical-requester';
const SRV = 'urn:svc:_/mythical-server';
const PG = 'urn:db:postgres:mythical-database/postgres';

const CASES: { file: string; bucket: string; edges: Expected[]; unpairedClient: number; unpairedServer: number }[] = [
  {
    file: 'tempo-trace-with-queue-database.json',
    bucket: '2022-07-20T12:40:00Z',
    edges: [
      { src: REQ, dst: SRV, type: '', calls: 1, errRate: 0, ms: 29.986 },
      { src: SRV, dst: PG, type: 'database', calls: 1, errRate: 0, ms: 23.781 },
      { src: REQ, dst: 'urn:svc:_/mythical-recorder', type: 'messaging_system', calls: 1, errRate: 0, ms: 0.699 },
      { src: SRV, dst: 'urn:host:loki', type: 'virtual_node', calls: 1, errRate: 0, ms: 3.855 },
    ],
    unpairedClient: 3,
    unpairedServer: 0,
  },
  {
    file: 'tempo-trace-with-failed-requests.json',
    bucket: '2022-07-20T14:00:00Z',
    edges: [
      { src: REQ, dst: SRV, type: '', calls: 1, errRate: 1, ms: 7.31 },
      { src: SRV, dst: PG, type: 'database', calls: 1, errRate: 1, ms: 2.779 },
      { src: SRV, dst: 'urn:host:loki', type: 'virtual_node', calls: 1, errRate: 0, ms: 5.685 },
    ],
    unpairedClient: 3,
    unpairedServer: 0,
  },
  {
    file: 'tempo-trace-with-virtual-nodes.json',
    bucket: '2022-07-20T12:40:00Z',
    edges: [
      { src: 'urn:user', dst: SRV, type: 'virtual_node', calls: 1, errRate: 0, ms: 45.834 },
      { src: REQ, dst: 'urn:svc:_/external-payments-platform', type: 'virtual_node', calls: 1, errRate: 0, ms: 0.706 },
      {
        src: 'urn:svc:_/external-producer',
        dst: 'urn:svc:_/internal-consumer',
        type: 'virtual_node',
        calls: 1,
        errRate: 0,
        ms: 0.706,
      },
    ],
    unpairedClient: 0,
    unpairedServer: 0,
  },
  {
    file: 'tempo-trace-with-expired-edges.json',
    bucket: '2022-07-20T12:40:00Z',
    edges: [
      { src: SRV, dst: REQ, type: '', calls: 1, errRate: 0, ms: 0.706 },
      { src: REQ, dst: 'urn:db:mysql:_/_', type: 'database', calls: 1, errRate: 0, ms: 0.706 },
      { src: 'urn:user', dst: SRV, type: 'virtual_node', calls: 1, errRate: 0, ms: 45.834 },
    ],
    unpairedClient: 0,
    unpairedServer: 1,
  },
];

for (const c of CASES) {
  test(`tempo fixture ${c.file}: edges of service-graph.md §8`, () => {
    const spans = loadTempoFixture(c.file);
    for (const order of [spans, [...spans].reverse(), shuffled(spans, 7), shuffled(spans, 99)]) {
      const out = run(order, c.bucket);
      assertEdges(out, c.bucket, c.edges);
      assert.equal(out.stats.unpairedClient, c.unpairedClient, 'unpaired clients');
      assert.equal(out.stats.unpairedServer, c.unpairedServer, 'unpaired servers');
      assert.equal(out.stats.duplicates, 0);
    }
  });
}

test('tempo fixture delivered twice gives the same rows (dedupe by trace id + span id)', () => {
  const spans = loadTempoFixture('tempo-trace-with-queue-database.json');
  const once = run(spans, '2022-07-20T12:40:00Z');
  const twice = run([...spans, ...shuffled(spans, 3)], '2022-07-20T12:40:00Z');
  const relevant = spans.filter((s) => s.spanKind !== 'internal').length;
  assert.ok(relevant > 0 && relevant < spans.length);
  assert.equal(twice.stats.duplicates, relevant);
  assert.equal(twice.stats.ignoredKind, 2 * (spans.length - relevant));
  assert.deepEqual(
    twice.rows.map((r) => [r.srcUrn, r.dstUrn, r.calls, r.errors, r.p50, r.p95]),
    once.rows.map((r) => [r.srcUrn, r.dstUrn, r.calls, r.errors, r.p50, r.p95]),
  );
});

test('tempo fixture read by the neighbouring window emits nothing there', () => {
  const spans = loadTempoFixture('tempo-trace-with-queue-database.json');
  // Spans at 12:40:54; the 12:45 window reads [12:44, 12:51): nothing of it.
  const next = run(spans, '2022-07-20T12:45:00Z');
  assert.equal(next.rows.length, 0);
  assert.equal(next.stats.outsideRange, spans.filter((s) => s.spanKind !== 'internal').length);
  // The 12:35 window reads [12:34, 12:41): every span, but no call is anchored in [12:35, 12:40).
  const prev = run(spans, '2022-07-20T12:35:00Z');
  assert.equal(prev.rows.length, 0);
  assert.equal(prev.stats.outsideRange, 0);
  assert.equal(prev.stats.outsideWindow, 4 + 3); // four edges and three unnamed clients, all anchored later
});
