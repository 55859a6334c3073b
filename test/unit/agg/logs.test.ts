import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogsAggregator, type LogPatternRow } from '../../../src/agg/logs.js';
import type { LogRecord } from '../../../src/core/records.js';
import { PatternDictionary } from '../../../src/patterns/dictionary.js';

const W = { from: Date.parse('2024-03-01T00:00:00Z'), to: Date.parse('2024-03-01T00:05:00Z') };
const CHECKOUT = { attrs: { 'service.name': 'checkout', 'k8s.namespace.name': 'shop' } };
const PAYMENTS = { attrs: { 'service.name': 'payments', 'k8s.namespace.name': 'shop' } };

function log(sec: number, body: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { kind: 'log', ts: W.from + sec * 1000, body, attrs: {}, resource: CHECKOUT, ...extra };
}

function run(dict: PatternDictionary, records: LogRecord[]) {
  const agg = new LogsAggregator(dict, { window: W });
  for (const r of records) agg.add(r);
  return agg.finish();
}

describe('LogsAggregator', () => {
  const lines = [
    log(1, 'payment 123 declined for order A-1 by issuer visa', { severity: 'ERROR', traceId: 't9' }),
    log(2, 'payment 456 declined for order A-2 by issuer visa', { traceId: 't3' }),
    log(3, 'payment 789 declined for order A-3 by issuer visa', { severity: 'ERROR', traceId: 't5' }),
    log(4, 'user 17 logged in from 10.0.0.1'),
    log(5, 'user 18 logged in from 10.0.0.2', { resource: PAYMENTS }),
  ];

  it('counts lines and errors per (bucket, resource, pattern) and rejects what it cannot place', () => {
    const out = run(new PatternDictionary(), [
      ...lines,
      log(-1, 'before the window'),
      log(300, 'at the window end (exclusive)'),
      { ...log(6, 'x'), body: undefined as unknown as string },
    ]);
    assert.equal(out.stats.lines, 5);
    assert.deepEqual(out.stats.rejected, { outside_window: 2, missing_body: 1 });
    const declined = out.rows.find((r) => r.countTotal === 3)!;
    assert.equal(declined.countError, 2);
    assert.equal(declined.bucket, W.from);
    assert.deepEqual(declined.sampleTraceIds, ['t5', 't9', 't3'], 'error lines first, then smallest ids');
    assert.equal(out.rows.length, 3, 'the login pattern counts once per resource');
    assert.equal(out.stats.errors, 2);
  });

  it("a row's template is what its own lines share, whatever the order and the dictionary's history", () => {
    const fresh = run(new PatternDictionary(), lines);
    const reversed = run(new PatternDictionary(), [...lines].reverse());
    // A dictionary that has seen a wider variety of the pattern before: its template is more general.
    const seasoned = new PatternDictionary();
    for (const b of ['payment 1 declined for order B-9 by bank visa', 'payment 2 declined for order C-1 by card visa'])
      seasoned.mine(log(0, b));
    const later = run(seasoned, lines);
    const three = (rows: LogPatternRow[]) => rows.find((r) => r.countTotal === 3)!;
    const declined = three(fresh.rows);
    assert.equal(declined.template, 'payment <*> declined for order A-<*> by issuer visa');
    assert.notEqual(
      seasoned.get(three(later.rows).fingerprint)!.pattern,
      declined.template,
      'the seasoned dictionary generalized the pattern further',
    );
    for (const other of [reversed, later]) {
      assert.equal(other.rows.length, fresh.rows.length);
      for (const r of fresh.rows) {
        const o = other.rows.find((x) => x.resourceUrn === r.resourceUrn && x.countTotal === r.countTotal);
        assert.equal(o?.template, r.template);
      }
    }
  });

  it('a row read twice (same source row id) counts once; equal lines without ids count twice', () => {
    const a = log(1, 'cache miss for key users', { rowId: '7001' });
    const b = log(1, 'cache miss for key users', { rowId: '7002' });
    const withIds = run(new PatternDictionary(), [a, b, a, { ...b }]);
    assert.equal(withIds.rows[0]!.countTotal, 2);
    assert.deepEqual(withIds.stats.rejected, { duplicate_row: 2 });
    const plain = log(1, 'cache miss for key users');
    const noIds = run(new PatternDictionary(), [plain, plain, plain]);
    assert.equal(noIds.rows[0]!.countTotal, 3, 'one _timestamp and one text can be three real lines');
  });
});
