import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseSpan, spanNote } from '../../../src/db/queries/data-span.js';

const M = 60_000;
const NOW = Date.parse('2026-06-10T12:00:00Z');
const STEP = 5 * M;

describe('chooseSpan: the default span of a read', () => {
  it('ends now while now’s span holds a bucket of the tenant', () => {
    // newest bucket 11:50 (ends 11:55) starts inside [11:30, 12:00)
    assert.deepEqual(chooseSpan({ since: 30 * M, now: NOW, newestEnd: NOW - 5 * M, step: STEP }), {
      from: NOW - 30 * M,
      to: NOW,
      basis: 'now',
      newestEnd: NOW - 5 * M,
    });
    // a bucket that starts exactly at the span's start still counts
    assert.equal(chooseSpan({ since: 30 * M, now: NOW, newestEnd: NOW - 25 * M, step: STEP }).basis, 'now');
  });

  it('ends at the newest bucket’s end once now’s span is empty', () => {
    const s = chooseSpan({ since: 30 * M, now: NOW + 60 * M, newestEnd: NOW - 5 * M, step: STEP });
    assert.deepEqual(s, { from: NOW - 35 * M, to: NOW - 5 * M, basis: 'newest_data', newestEnd: NOW - 5 * M });
    // one minute past the edge
    assert.equal(chooseSpan({ since: 30 * M, now: NOW, newestEnd: NOW - 26 * M, step: STEP }).basis, 'newest_data');
  });

  it('keeps now without data, and an explicit instant always', () => {
    assert.equal(chooseSpan({ since: 30 * M, now: NOW, newestEnd: null, step: STEP }).basis, 'now');
    const at = chooseSpan({ since: 10 * M, now: NOW + 99 * M, at: NOW, newestEnd: NOW - 60 * M, step: STEP });
    assert.deepEqual(at, { from: NOW - 10 * M, to: NOW, basis: 'at', newestEnd: NOW - 60 * M });
  });
});

describe('spanNote: the sentence that says which span a read covered', () => {
  const f = (from: number, to: number, basis: 'now' | 'at' | 'newest_data', newest: number | null) => ({
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    span_basis: basis,
    newest_data: newest === null ? null : new Date(newest).toISOString(),
  });
  it('names the fallback, the length and the data', () => {
    assert.equal(
      spanNote(f(NOW - 60 * M, NOW, 'newest_data', NOW), 'sampled traces'),
      'span 2026-06-10T11:00:00.000Z .. 2026-06-10T12:00:00.000Z: the 1h ending at the newest sampled traces (nothing in the 1h before now)',
    );
    assert.equal(
      spanNote(f(NOW - 30 * M, NOW, 'now', NOW - 5 * M), 'call data'),
      'span 2026-06-10T11:30:00.000Z .. 2026-06-10T12:00:00.000Z (newest call data ends 2026-06-10T11:55:00.000Z)',
    );
    assert.match(
      spanNote(f(NOW - 24 * 60 * M, NOW, 'at', null), 'discovery data'),
      /\(this tenant has no discovery data yet\)$/,
    );
  });
});
