import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickAttrs, traceHash, TraceSampler } from '../../../src/agg/trace-sample.js';
import { seededRandom } from '../../../src/sources/mock/prng.js';

const ids = (n: number, salt = ''): string[] =>
  Array.from({ length: n }, (_, i) => `${salt}${i.toString(16).padStart(8, '0')}aa55`);

function shuffle<T>(xs: T[], seed: number): T[] {
  const rnd = seededRandom(seed);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('TraceSampler (bottom-K by hash)', () => {
  it('keeps the K smallest hashes whatever the arrival order, each trace once', () => {
    const all = ids(500);
    const expected = [...all].sort((a, b) => traceHash(a) - traceHash(b) || (a < b ? -1 : 1)).slice(0, 8);
    for (const seed of [1, 2, 3]) {
      const s = new TraceSampler(8);
      // every id twice, in a different order each time: duplicates merge, the choice does not move
      for (const id of shuffle([...all, ...all], seed)) s.add(id, undefined, false, undefined);
      assert.deepEqual(
        s.samples.map((x) => x.traceId),
        expected,
      );
      assert.ok(s.samples.every((x) => x.count === 2));
    }
  });

  it('never holds more than K, and K = 0 keeps nothing', () => {
    const s = new TraceSampler(3);
    for (const id of ids(1000)) s.add(id, undefined, false, undefined);
    assert.equal(s.samples.length, 3);
    const z = new TraceSampler(0);
    z.add('abc', 'x', true, undefined);
    assert.equal(z.samples.length, 0);
  });

  it('merges flags, the smallest span id and attributes of one trace; ids are case-insensitive', () => {
    const s = new TraceSampler(4);
    s.add('ABCDEF', 's2', false, { user_id: 'U1' });
    s.add('abcdef', 's1', true, { user_id: 'U2', order: 7 });
    assert.equal(s.samples.length, 1);
    const x = s.samples[0]!;
    assert.equal(x.traceId, 'abcdef');
    assert.equal(x.spanId, 's1');
    assert.equal(x.flag, true);
    assert.equal(x.count, 2);
    assert.deepEqual(x.attrs, { user_id: 'U1', order: 7 }, 'first value per key wins');
  });

  it('coordinated: two rows over overlapping trace sets keep the same traces of their overlap', () => {
    // Row A sees traces 0..299, row B 200..499: both keep every shared trace whose hash is below both
    // rows' thresholds, i.e. their samples agree on the overlap instead of being independent draws.
    const all = ids(500, 'c');
    const a = new TraceSampler(16);
    const b = new TraceSampler(16);
    all.slice(0, 300).forEach((id) => a.add(id, undefined, false, undefined));
    all.slice(200).forEach((id) => b.add(id, undefined, false, undefined));
    const ta = a.samples.at(-1)!.hash;
    const tb = b.samples.at(-1)!.hash;
    const shared = all.slice(200, 300).filter((id) => traceHash(id) <= Math.min(ta, tb));
    const inA = new Set(a.samples.map((x) => x.traceId));
    const inB = new Set(b.samples.map((x) => x.traceId));
    assert.ok(shared.length > 0);
    for (const id of shared) assert.ok(inA.has(id) && inB.has(id), id);
  });

  it('merge() equals feeding both inputs to one sampler', () => {
    const x = new TraceSampler(5);
    const y = new TraceSampler(5);
    const one = new TraceSampler(5);
    ids(40, 'm').forEach((id, i) => {
      (i % 2 ? x : y).add(id, `s${i}`, i % 3 === 0, undefined);
      one.add(id, `s${i}`, i % 3 === 0, undefined);
    });
    x.merge(y);
    assert.deepEqual(x.samples, one.samples);
  });

  it('pickAttrs keeps only configured keys, and allocates nothing without them', () => {
    assert.equal(pickAttrs({ a: 1 }, []), undefined);
    assert.equal(pickAttrs({ a: 1 }, ['b']), undefined);
    assert.deepEqual(pickAttrs({ a: 1, b: 'x', c: true }, ['b', 'c', 'z']), { b: 'x', c: true });
  });

  it('traceHash is FNV-1a 32 over the lower-cased id (stable across releases)', () => {
    assert.equal(traceHash(''), 0x811c9dc5);
    assert.equal(traceHash('a'), 0xe40c292c);
    assert.equal(traceHash('A'), traceHash('a'));
  });
});
