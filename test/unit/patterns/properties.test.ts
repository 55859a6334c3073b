import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DrainMiner, type SerializedState } from '../../../src/patterns/drain.js';
import { Masker } from '../../../src/patterns/masking.js';

test('masking never throws and never yields empty or whitespace tokens', () => {
  const m = new Masker();
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (line) => {
      for (const t of m.tokens(line)) {
        assert.ok(t.length > 0);
        assert.ok(!/[ \t\n\r\f\v\u00a0]/.test(t), JSON.stringify(t));
      }
    }),
    { numRuns: 150 },
  );
});

test('numbers and addresses do not change a line’s fingerprint', () => {
  const words = fc.constantFrom('open', 'close', 'retry', 'conn', 'queue', 'disk', 'user', 'GET', 'failed');
  const variable = fc.oneof(
    fc.integer({ min: -1e9, max: 1e9 }).map(String),
    fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.')),
    fc.double({ min: 0, max: 1e6, noNaN: true }).map((d) => `${d.toFixed(2)}ms`),
    fc.uuid(),
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(words, fc.constant('#')), { minLength: 1, maxLength: 12 }),
      variable,
      variable,
      (shape, v1, v2) => {
        const fill = (v: string) => shape.map((w) => (w === '#' ? v : w)).join(' ');
        const m = new DrainMiner();
        assert.equal(m.add(fill(v1)).fingerprint, new DrainMiner().add(fill(v2)).fingerprint);
      },
    ),
    { numRuns: 100 },
  );
});

test('export/load keeps every line in its cluster', () => {
  const line = fc
    .array(fc.oneof(fc.constantFrom('a', 'b', 'c', 'job', 'done', 'x=1', 'port'), fc.nat(99).map(String)), {
      minLength: 0,
      maxLength: 8,
    })
    .map((ws) => ws.join(' '));
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), (lines) => {
      const m = new DrainMiner();
      for (const l of lines) m.add(l);
      const n = DrainMiner.load(JSON.parse(JSON.stringify(m.export())) as SerializedState);
      for (const l of lines) assert.equal(n.add(l).fingerprint, m.add(l).fingerprint);
      assert.deepEqual(n.clusters(), m.clusters());
    }),
    { numRuns: 100 },
  );
});
