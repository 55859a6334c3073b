import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/core/errors.js';
import { parseRules } from '../../../src/rules/config.js';
import { evalFormula, parseFormula } from '../../../src/rules/formula.js';
import { render } from '../../../src/rules/template.js';

const ok = {
  id: 'ok',
  table: 'service_call_5m',
  kind: 'threshold',
  value: { agg: 'p95' },
  when: { op: '>=', value: 1 },
};

describe('rules config', () => {
  it('a broken rule is reported with its path and the others still load', () => {
    const set = parseRules([
      ok,
      { ...ok, id: 'bad-op', when: { op: '=>', value: 1 } },
      { ...ok, id: 'bad-filter', where: [{ field: 'x', op: 'time_in', value: '25:00-26:00' }] },
      { ...ok, id: 'ok' },
      {
        id: 'comp',
        kind: 'composite',
        inputs: { A1: { rule: 'missing' } },
        formula: 'A1',
        when: { op: '>', value: 0 },
      },
      {
        id: 'comp2',
        kind: 'composite',
        inputs: { A1: { rule: 'ok' } },
        formula: 'A1 * (2 +',
        when: { op: '>', value: 0 },
      },
    ]);
    assert.deepEqual(
      set.rules.map((r) => r.id),
      ['ok'],
    );
    const text = set.problems.join('\n');
    assert.match(text, /^rules\[1\]\.when\.op: /m);
    assert.match(text, /^rules\[2\]\.where\[0\]\.value: must be a time-of-day range/m);
    assert.match(text, /^rules\[3\]\.id: duplicate rule id 'ok' \(also rules\[0\]\)/m);
    assert.match(text, /^rules\[4\]: refers to unknown or broken rule\(s\) missing/m);
    assert.match(text, /^rules\[5\]\.formula: expected a number, alias or \( at the end/m);
  });

  it('run refuses a config with a broken rule (every problem with its path); a reload is lenient', () => {
    const yaml = `tenants: [{code: a, source: {kind: mock}}]\nrules:\n  - {id: x, table: nope, kind: threshold, value: {agg: count}, when: {op: '>', value: 1}}\n`;
    assert.throws(
      () => parseConfig(yaml, 't.yaml', {}),
      (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('rules[0].table:')),
    );
    assert.doesNotThrow(() => parseConfig(yaml, 't.yaml', {}, { rules: 'lenient' }));
  });

  it('hostile rule text is kept as text: ids are restricted, templates render values verbatim', () => {
    const set = parseRules([{ ...ok, id: "x'; DROP TABLE event_envelope; --" }]);
    assert.equal(set.rules.length, 0);
    assert.match(set.problems[0]!, /^rules\[0\]\.id: must be lower-case/);
    const t = render('{{dst}} {{value}}', { dst: "'); MATCH (n) DETACH DELETE n; --", value: 1.23456 });
    assert.equal(t, "'); MATCH (n) DETACH DELETE n; -- 1.23");
    assert.equal(render('{{nope}}', {}), '?');
    assert.equal(render('{{x}}', { x: 'y'.repeat(10_000) }).length, 4000);
  });

  it('formulas: precedence, parentheses, unary minus, unknown aliases and division by zero', () => {
    const f = parseFormula('A1*0.2+B1*0.3+C1*0.5', ['A1', 'B1', 'C1']);
    const env = new Map([
      ['A1', 10],
      ['B1', 20],
      ['C1', 30],
    ]);
    assert.ok(Math.abs(evalFormula(f, env)! - 23) < 1e-9);
    assert.equal(evalFormula(parseFormula('-(A1 - B1) / 2', ['A1', 'B1']), env), 5);
    assert.equal(evalFormula(parseFormula('A1 / (B1 - 20)', ['A1', 'B1']), env), null);
    assert.throws(() => parseFormula('A1 + D9', ['A1']), /unknown alias/);
    assert.throws(() => parseFormula('A1; process.exit()', ['A1']), /unexpected character/);
  });
});
