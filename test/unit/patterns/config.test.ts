import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/core/errors.js';
import { drainOptionsFrom, parsePatternsConfig } from '../../../src/patterns/config.js';
import { DrainMiner } from '../../../src/patterns/drain.js';

test('a valid section parses and maps to miner options', () => {
  const cfg = parsePatternsConfig({
    simThreshold: 0.6,
    ignoredFields: ['request_id'],
    masking: { builtins: { ip: '<IP>', path: false }, rules: [{ pattern: 'ORD-\\d+', token: '<ORDER>' }] },
  });
  const o = drainOptionsFrom(cfg);
  assert.equal(o.simThreshold, 0.6);
  assert.deepEqual(o.masking?.ignoredFields, ['request_id']);
  const m = new DrainMiner(o);
  assert.equal(m.add('from 10.0.0.1 order ORD-12 request_id=9').template, 'from <*> order <*>');
  assert.deepEqual(parsePatternsConfig(undefined), {});
});

test('problems are reported with their paths', () => {
  try {
    parsePatternsConfig({
      simThreshold: 2,
      masking: { builtins: { ipv9: true }, rules: [{ pattern: 'x', token: 'bad' }] },
    });
    assert.fail('expected a ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const text = e.problems.join('\n');
    assert.match(text, /patterns\.simThreshold/);
    assert.match(text, /patterns\.masking\.builtins/);
    assert.match(text, /patterns\.masking\.rules\.0\.token/);
  }
  assert.throws(
    () => parsePatternsConfig({ masking: { rules: [{ pattern: '(' }] } }),
    /patterns\.masking\.rules\.0\.pattern/,
  );
});
