import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRules, type Rule } from '../../../src/rules/config.js';
import { evaluateRules, type GroupEval } from '../../../src/rules/evaluate.js';
import { advance, type KeyState } from '../../../src/rules/lifecycle.js';
import { row, sourceOf } from './rows.js';

const M = 60_000;
const T = Date.parse('2026-06-10T12:00:00Z');
const W = { from: T - M, to: T };

function rules(raw: unknown[]): Rule[] {
  const set = parseRules(raw);
  assert.deepEqual(set.problems, []);
  return set.rules;
}

const firing = (groups: Map<string, GroupEval>) => [...groups.values()].filter((g) => g.firing).map((g) => g.fields);

describe('rule kinds', () => {
  const edge = (src: string, dst: string, calls: number, errors: number, p95: number, bucket = T - 5 * M) =>
    row('service_call_5m', bucket, { src, dst, calls, errors, p95_ms: p95, dst_type: 'database' });

  it('threshold with count, sum, avg, min, max, distinct and ratio aggregates, and a guard', () => {
    const rows = [edge('a', 'db', 100, 30, 5), edge('a', 'db2', 10, 9, 5), edge('b', 'db', 100, 1, 50)];
    const mk = (id: string, value: object, op: string, v: number, extra: object = {}) => ({
      id,
      table: 'service_call_5m',
      group_by: ['src'],
      kind: 'threshold',
      value,
      when: { op, value: v },
      ...extra,
    });
    const out = evaluateRules(
      rules([
        mk('count', { agg: 'count' }, '>=', 2),
        mk('sum', { agg: 'sum', field: 'errors' }, '>', 30),
        mk('avg', { agg: 'avg', field: 'p95_ms' }, '>=', 50),
        mk('min', { agg: 'min', field: 'calls' }, '<=', 10),
        mk('max', { agg: 'max', field: 'p95_ms' }, '>=', 50),
        mk('distinct', { agg: 'distinct', field: 'dst' }, '==', 2),
        mk('ratio', { agg: 'ratio', num: 'errors', den: 'calls' }, '>=', 0.3),
        mk('guarded', { agg: 'ratio', num: 'errors', den: 'calls' }, '>=', 0.3, {
          guard: [{ agg: 'sum', field: 'calls', op: '>=', value: 1000 }],
        }),
      ]),
      W,
      sourceOf(rows),
    );
    const by = Object.fromEntries(out.map((e) => [e.rule.id, firing(e.groups).map((f) => f.src)]));
    assert.deepEqual(by, {
      count: ['a'],
      sum: ['a'],
      avg: ['b'],
      min: ['a'],
      max: ['b'],
      distinct: ['a'],
      ratio: ['a'],
      guarded: [],
    });
    const ratio = out.find((e) => e.rule.id === 'ratio')!.groups.get(JSON.stringify(['a']))!;
    assert.equal(ratio.value, 39 / 110, 'a ratio of sums, not a mean of ratios');
    assert.equal(ratio.evidence.length, 2);
  });

  it('a 5-minute rule is evaluated only in the window that ends on the bucket end', () => {
    const r = rules([
      { id: 'x', table: 'service_call_5m', kind: 'threshold', value: { agg: 'count' }, when: { op: '>', value: 0 } },
    ]);
    const src = sourceOf([edge('a', 'db', 1, 0, 1)]);
    assert.equal(evaluateRules(r, W, src)[0]!.evaluated, true);
    assert.equal(evaluateRules(r, { from: T - 2 * M, to: T - M }, src)[0]!.evaluated, false);
  });

  it('topn: the N slowest destinations of each service, firing when one of them crosses the threshold', () => {
    const rows = [
      edge('a', 'd1', 10, 0, 100),
      edge('a', 'd2', 10, 0, 300),
      edge('a', 'd3', 10, 0, 200),
      edge('b', 'd1', 10, 0, 10),
    ];
    const [ev] = evaluateRules(
      rules([
        {
          id: 'top',
          table: 'service_call_5m',
          kind: 'topn',
          group_by: ['src'],
          rank_by: ['dst'],
          n: 2,
          value: { agg: 'max', field: 'p95_ms' },
          when: { op: '>=', value: 150 },
        },
      ]),
      W,
      sourceOf(rows),
    );
    const a = ev!.groups.get(JSON.stringify(['a']))!;
    assert.deepEqual(a.detail.top, ['d2', 'd3']);
    assert.equal(a.firing, true);
    assert.equal(a.evidence.length, 2);
    assert.equal(ev!.groups.get(JSON.stringify(['b']))!.firing, false);
  });

  it('new_pattern fires for a fingerprint never seen for that resource; pattern_burst against its baseline', () => {
    const pat = (bucket: number, fp: string, n: number, rid = 1, fid = 7) =>
      row(
        'log_pattern_5m',
        bucket,
        { resource: 'svc', fingerprint: fp, pattern: `p ${fp}`, count_total: n, count_error: n },
        { resource: rid, fingerprint: fid },
      );
    const now = T - 5 * M;
    const history = Array.from({ length: 12 }, (_, i) => pat(now - (i + 1) * 5 * M, 'old', 10, 1, 7));
    const rows = [...history, pat(now, 'old', 80, 1, 7), pat(now, 'fresh', 3, 1, 8)];
    const out = evaluateRules(
      rules([
        { id: 'new', table: 'log_pattern_5m', kind: 'new_pattern' },
        { id: 'burst', table: 'log_pattern_5m', kind: 'pattern_burst', factor: 5, min_history: 6 },
      ]),
      W,
      sourceOf(rows, ['1|7']),
    );
    assert.deepEqual(
      firing(out[0]!.groups).map((f) => f.fingerprint),
      ['fresh'],
    );
    const burst = firing(out[1]!.groups);
    assert.deepEqual(
      burst.map((f) => f.fingerprint),
      ['old'],
    );
  });

  it('composite: scoring bands (last match wins) and a weighted formula; event_count counts firing services', () => {
    const rows = [edge('a', 'db', 100, 50, 500), edge('b', 'db', 100, 0, 5), edge('c', 'db', 100, 40, 400)];
    const base = { table: 'service_call_5m', group_by: ['src'], kind: 'threshold' };
    const out = evaluateRules(
      rules([
        { ...base, id: 'err', value: { agg: 'ratio', num: 'errors', den: 'calls' }, when: { op: '>=', value: 0.3 } },
        { ...base, id: 'lat', value: { agg: 'max', field: 'p95_ms' }, when: { op: '>=', value: 450 } },
        {
          id: 'health',
          kind: 'composite',
          inputs: {
            A1: {
              rule: 'err',
              score: [
                { op: '>=', value: 0, score: 10 },
                { op: '>=', value: 0.3, score: 0 },
              ],
            },
            B1: {
              rule: 'lat',
              score: [
                { op: '>=', value: 0, score: 10 },
                { op: '>=', value: 100, score: 5 },
              ],
            },
          },
          formula: 'A1*0.6+B1*0.4',
          when: { op: '<', value: 5 },
        },
        { id: 'many', kind: 'event_count', rules: ['err', 'lat'], distinct: 'src', when: { op: '>=', value: 2 } },
      ]),
      W,
      sourceOf(rows),
    );
    const health = out.find((e) => e.rule.id === 'health')!;
    assert.equal(health.groups.get(JSON.stringify(['a']))!.value, 0 * 0.6 + 5 * 0.4);
    assert.equal(health.groups.get(JSON.stringify(['b']))!.value, 10 * 0.6 + 10 * 0.4);
    assert.deepEqual(
      firing(health.groups).map((f) => f.src),
      ['a', 'c'],
    );
    const many = out.find((e) => e.rule.id === 'many')!;
    assert.equal([...many.groups.values()][0]!.value, 2, 'a and c fire (a in both rules counts once)');
    assert.equal([...many.groups.values()][0]!.firing, true);
  });

  it('a rule that throws is reported and the others still run', () => {
    const r = rules([
      { id: 'one', table: 'service_call_5m', kind: 'threshold', value: { agg: 'count' }, when: { op: '>', value: 0 } },
      { id: 'two', table: 'service_call_5m', kind: 'threshold', value: { agg: 'count' }, when: { op: '>', value: 0 } },
    ]);
    let calls = 0;
    const src = sourceOf([edge('a', 'db', 1, 0, 1)]);
    const bad = {
      ...src,
      rows: (...a: Parameters<typeof src.rows>) => {
        if (calls++ === 0) throw new Error('boom');
        return src.rows(...a);
      },
    };
    const out = evaluateRules(r, W, bad);
    assert.equal(out[0]!.error, 'boom');
    assert.equal(out[1]!.groups.size, 1);
  });
});

describe('lifecycle', () => {
  const [rule] = rules([
    {
      id: 'r',
      table: 'service_call_5m',
      kind: 'threshold',
      value: { agg: 'count' },
      when: { op: '>', value: 0 },
      for: 2,
      resolve_after: 2,
      reopen_within: 3,
    },
  ]);
  const g = (fire: boolean): Map<string, GroupEval> =>
    new Map([
      ['k', { key: 'k', fields: {}, value: fire ? 1 : 0, firing: fire, detail: {}, evidence: [], resourceId: null }],
    ]);

  /** Runs the sequence of firing flags through advance, window after window. */
  function run(seq: boolean[]): { actions: string[]; states: (KeyState | undefined)[] } {
    let prev = new Map<string, KeyState>();
    const actions: string[] = [];
    const states: (KeyState | undefined)[] = [];
    seq.forEach((fire, i) => {
      const ch = advance(rule!, 1, T + i * 5 * M, g(fire), prev);
      actions.push(ch.map((c) => c.action).join(',') || '-');
      states.push(ch[0]?.state);
      if (ch[0]) prev = new Map([['k', ch[0].state]]);
    });
    return { actions, states };
  }

  it('opens after `for` evaluations, updates, resolves after resolve_after quiet ones', () => {
    const { actions, states } = run([true, true, true, false, false, false]);
    assert.deepEqual(actions, ['hold', 'open', 'update', 'hold', 'resolve', '-']);
    assert.equal(states[2]!.windows, 2);
    assert.equal(states[4]!.phase, 'resolved');
  });

  it('a pending streak broken by a quiet evaluation starts again', () => {
    assert.deepEqual(run([true, false, true, true]).actions, ['hold', '-', 'hold', 'open']);
  });

  it('flapping: a re-fire soon after resolution reopens the same event and counts a flap', () => {
    const { actions, states } = run([true, true, false, false, true, false, false, true]);
    assert.deepEqual(actions, ['hold', 'open', 'hold', 'resolve', 'reopen', 'hold', 'resolve', 'reopen']);
    assert.equal(states[7]!.eventId, states[1]!.eventId);
    assert.equal(states[7]!.flaps, 2);
  });

  it('a re-fire long after resolution opens a new event', () => {
    const seq = [true, true, false, false, false, false, false, false, true, true];
    const { actions, states } = run(seq);
    assert.equal(actions.at(-1), 'open');
    assert.notEqual(states.at(-1)!.eventId, states[1]!.eventId);
  });
});
