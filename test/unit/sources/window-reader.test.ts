import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RangeSearch, readRange } from '../../../src/sources/openobserve/window-reader.js';

interface Row {
  _timestamp: number;
  id: number;
}

/** A fake OO: rows in a range, oldest first (or deliberately unsorted), with a request log. */
function fake(rows: Row[], opts: { unsorted?: boolean } = {}): RangeSearch & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    page: async (a, b, size) => {
      calls.push(`page ${a}..${b} ${size}`);
      let hits = rows.filter((r) => r._timestamp >= a && r._timestamp < b).sort((x, y) => x._timestamp - y._timestamp);
      if (opts.unsorted) hits = hits.reverse();
      return hits.slice(0, size);
    },
    count: async (a, b) => {
      calls.push(`count ${a}..${b}`);
      return rows.filter((r) => r._timestamp >= a && r._timestamp < b).length;
    },
  };
}

async function all(s: RangeSearch, from: number, to: number, pageSize: number, sliceUs = 1e12): Promise<number[]> {
  const ids: number[] = [];
  for await (const batch of readRange(s, from, to, {
    pageSize,
    sliceUs,
    maxRowsPerInstant: 1000,
    onTooManyAtInstant: (t, n) => new Error(`too many at ${t}: ${n}`),
  }))
    for (const h of batch) ids.push((h as Row).id);
  return ids;
}

const rows = (stamps: number[]): Row[] => stamps.map((t, id) => ({ _timestamp: t, id }));

describe('time-keyset window reader', () => {
  it('reads every row once across pages, in time order, without offsets', async () => {
    const data = rows(Array.from({ length: 97 }, (_, i) => 1000 + Math.floor(i / 3)));
    const s = fake(data);
    const ids = await all(s, 0, 5000, 10);
    assert.deepStrictEqual(
      [...ids].sort((a, b) => a - b),
      data.map((r) => r.id),
    );
    assert.ok(s.calls.every((c) => c.startsWith('page')));
  });

  it('a short first page is the whole range', async () => {
    const s = fake(rows([5, 6, 7]));
    assert.deepStrictEqual(await all(s, 0, 10, 10), [0, 1, 2]);
    assert.equal(s.calls.length, 1);
  });

  it('time slices bound each request', async () => {
    const s = fake(rows([5, 15, 25]));
    assert.deepStrictEqual(await all(s, 0, 30, 10, 10), [0, 1, 2]);
    assert.deepStrictEqual(s.calls, ['page 0..10 10', 'page 10..20 10', 'page 20..30 10']);
  });

  it('more rows at one microsecond than a page: count, then one big page', async () => {
    const data = rows([1, ...Array(25).fill(2), 3]);
    const s = fake(data);
    const ids = await all(s, 0, 10, 5);
    assert.deepStrictEqual(
      [...ids].sort((a, b) => a - b),
      data.map((r) => r.id),
    );
    assert.ok(s.calls.includes('count 2..3'));
    assert.ok(s.calls.includes('page 2..3 26'));
  });

  it('an unsorted full page splits the range instead of trusting it', async () => {
    const data = rows(Array.from({ length: 40 }, (_, i) => i * 2));
    const ids = await all(fake(data, { unsorted: true }), 0, 100, 8);
    assert.deepStrictEqual(
      [...ids].sort((a, b) => a - b),
      data.map((r) => r.id),
    );
  });

  it('a short page the caller does not confirm is read on like a full one', async () => {
    const data = rows(Array.from({ length: 30 }, (_, i) => i));
    const s = fake(data);
    const cut: RangeSearch = { page: async (a, b, size) => (await s.page(a, b, size)).slice(0, 7), count: s.count };
    const ids: number[] = [];
    for await (const batch of readRange(cut, 0, 100, {
      pageSize: 10,
      sliceUs: 1e12,
      maxRowsPerInstant: 1000,
      onTooManyAtInstant: () => new Error('x'),
      confirmShort: async (a, b, hits) => (await s.count(a, b)) <= hits.length,
    }))
      for (const h of batch) ids.push((h as Row).id);
    assert.deepStrictEqual(
      ids,
      data.map((r) => r.id),
    );
  });

  it('refuses an instant with more rows than allowed', async () => {
    const s = fake(rows(Array(2000).fill(7)));
    await assert.rejects(all(s, 0, 10, 100), /too many at 7: 2000/);
  });
});
