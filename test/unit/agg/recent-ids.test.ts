import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentIds } from '../../../src/agg/recent-ids.js';

test('recognizes repeats, never confuses 300,000 distinct ids', () => {
  const s = new RecentIds();
  for (let i = 0; i < 300_000; i++) assert.equal(s.seen('trace' + (i >> 4), 'span' + i), false);
  for (let i = 0; i < 300_000; i += 997) assert.equal(s.seen('trace' + (i >> 4), 'span' + i), true);
  assert.equal(s.seen('ab', 'c'), false);
  assert.equal(s.seen('a', 'bc'), false, 'the separator keeps pairs apart');
  assert.equal(s.size, 300_002);
});

test('bounded: remembers at least the last generation, forgets older ones', () => {
  const s = new RecentIds(1000);
  for (let i = 0; i < 5000; i++) s.seen('t', String(i));
  assert.ok(s.size <= 2000);
  assert.equal(s.rotations, 5);
  assert.equal(s.seen('t', '4999'), true);
  assert.equal(s.seen('t', '4001'), true);
  assert.equal(s.seen('t', '10'), false, 'old ids are forgotten (bounded memory)');
});
