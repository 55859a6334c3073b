import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffEdges, type EdgeRow } from '../../../src/topology/diff.js';
import { edgeKey, type Edge, type Relation } from '../../../src/topology/model.js';

const e = (src: string, dst: string, relation: Relation = 'CONNECTS_TO', props: Edge['props'] = {}): Edge => ({
  src,
  dst,
  relation,
  props,
});
type Row = EdgeRow & { id: number };
let nextId = 1;
const row = (x: Edge): Row => ({ ...x, id: nextId++, validFrom: 1_700_000_000_000 });

test('first ingest: everything opens', () => {
  const now = [e('a', 'b'), e('a', 'c', 'DEPENDS_ON')];
  const d = diffEdges([], now);
  assert.deepEqual(d.open, now);
  assert.deepEqual([d.close, d.keep, d.propsChanged], [[], [], []]);
});

test('T7: the same input twice opens nothing; dropping an edge closes exactly that row', () => {
  const first = [
    e('a', 'b', 'CONNECTS_TO', { ports: ['tcp/80'] }),
    e('b', 'c', 'MEMBER_OF'),
    e('a', 'c', 'DEPENDS_ON'),
  ];
  const open = first.map(row);
  const again = diffEdges(
    open,
    first.map((x) => ({ ...x, props: { ...x.props } })),
  );
  assert.deepEqual(again.open, []);
  assert.deepEqual(again.close, []);
  assert.deepEqual(again.keep, open);
  const dropped = diffEdges(open, [first[0] as Edge, first[2] as Edge]);
  assert.deepEqual(dropped.close, [open[1]]);
  assert.equal(dropped.close[0], open[1], 'the caller gets its own row object back (with its id)');
  assert.deepEqual(dropped.open, []);
  assert.equal(dropped.keep.length, 2);
});

test('identity is (src, dst, relation): other relation opens a new edge, new props are a change', () => {
  const open = [row(e('a', 'b', 'CONNECTS_TO', { ports: ['tcp/80'] }))];
  const d = diffEdges(open, [e('a', 'b', 'CONNECTS_TO', { ports: ['tcp/80', 'tcp/443'] }), e('a', 'b', 'DEPENDS_ON')]);
  assert.deepEqual(d.open, [e('a', 'b', 'DEPENDS_ON')]);
  assert.deepEqual(d.keep, []);
  assert.deepEqual(d.propsChanged, [{ row: open[0], props: { ports: ['tcp/80', 'tcp/443'] } }]);
  // Key order inside props does not count as a change.
  const same = diffEdges(
    [row(e('x', 'y', 'MEMBER_OF', { a: 1, b: { c: 2, d: 3 } }))],
    [e('x', 'y', 'MEMBER_OF', { b: { d: 3, c: 2 }, a: 1 })],
  );
  assert.equal(same.keep.length, 1);
});

test('duplicates: repeated edges in `now` merge; a second open row of one edge is closed', () => {
  const a1 = row(e('a', 'b'));
  const a2 = row(e('a', 'b'));
  const d = diffEdges(
    [a1, a2],
    [e('a', 'b', 'CONNECTS_TO', { via: ['x'] }), e('a', 'b', 'CONNECTS_TO', { via: ['y'] })],
  );
  assert.deepEqual(d.close, [a2]);
  assert.deepEqual(d.propsChanged, [{ row: a1, props: { via: ['x', 'y'] } }]);
  assert.deepEqual(d.open, []);
});

test('property: open/close/keep/propsChanged partition both sides', () => {
  const node = fc.constantFrom('a', 'b', 'c', 'd');
  const rel = fc.constantFrom<Relation>('CONNECTS_TO', 'DEPENDS_ON');
  const edge = fc.record({
    src: node,
    dst: node,
    relation: rel,
    props: fc.record({ p: fc.integer({ min: 0, max: 2 }) }),
  });
  fc.assert(
    fc.property(fc.uniqueArray(edge, { selector: (x) => edgeKey(x) }), fc.array(edge), (prevEdges, now) => {
      const prev = prevEdges.map(row);
      const d = diffEdges(prev, now);
      const prevKeys = new Set(prev.map(edgeKey));
      const nowKeys = new Set(now.map(edgeKey));
      const keyed = (xs: { src: string; dst: string; relation: string }[]): string[] => xs.map(edgeKey).sort();
      // Every previous row is accounted for exactly once.
      assert.equal(d.close.length + d.keep.length + d.propsChanged.length, prev.length);
      assert.deepEqual(keyed(d.close), [...prevKeys].filter((k) => !nowKeys.has(k)).sort());
      assert.deepEqual(keyed(d.open), [...nowKeys].filter((k) => !prevKeys.has(k)).sort());
      assert.deepEqual(
        keyed([...d.keep, ...d.propsChanged.map((c) => c.row)]),
        [...prevKeys].filter((k) => nowKeys.has(k)).sort(),
      );
      // Applying the diff gives exactly the new edge set.
      const after = new Set([
        ...d.keep.map(edgeKey),
        ...d.propsChanged.map((c) => edgeKey(c.row)),
        ...d.open.map(edgeKey),
      ]);
      assert.deepEqual([...after].sort(), [...nowKeys].sort());
    }),
    { numRuns: 300 },
  );
});
