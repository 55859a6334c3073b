import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../../src/core/duration.js';
import { floorTo, iterateWindows, upperBound, windowContains } from '../../../src/core/windows.js';

const M = 60_000;
const H = 60 * M;

describe('durations', () => {
  it('parses units and compounds', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1m'), M);
    assert.equal(parseDuration('5m'), 5 * M);
    assert.equal(parseDuration('1h30m'), 90 * M);
    assert.equal(parseDuration('7d'), 7 * 24 * H);
    assert.equal(parseDuration('250ms'), 250);
    for (const bad of ['', '5', 'm', '5x', '-1m', '1 m', 'soon'])
      assert.throws(() => parseDuration(bad), /invalid duration/);
  });

  it('formats as the largest exact unit', () => {
    assert.equal(formatDuration(5 * M), '5m');
    assert.equal(formatDuration(90_000), '90s');
    assert.equal(formatDuration(24 * H), '1d');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (n) => parseDuration(formatDuration(n * 1000)) === n * 1000),
    );
  });
});

describe('windows', () => {
  it('floors to hour and day boundaries in UTC, whatever the input offset', () => {
    const t = Date.parse('2026-03-29T02:30:00+02:00'); // a DST change day in Europe: irrelevant in UTC
    assert.equal(new Date(floorTo(t, H)).toISOString(), '2026-03-29T00:00:00.000Z');
    assert.equal(new Date(floorTo(t, 24 * H)).toISOString(), '2026-03-29T00:00:00.000Z');
    assert.equal(
      new Date(floorTo(Date.parse('2026-01-01T00:04:59.999Z'), 5 * M)).toISOString(),
      '2026-01-01T00:00:00.000Z',
    );
    assert.equal(
      new Date(floorTo(Date.parse('2026-01-01T00:05:00.000Z'), 5 * M)).toISOString(),
      '2026-01-01T00:05:00.000Z',
    );
  });

  it('computes the upper bound floor(now - delay, align)', () => {
    const now = Date.parse('2026-01-01T10:07:30Z');
    assert.equal(new Date(upperBound(now, 2 * M, M)).toISOString(), '2026-01-01T10:05:00.000Z');
    assert.equal(new Date(upperBound(now, 2 * M, 5 * M)).toISOString(), '2026-01-01T10:05:00.000Z');
    assert.equal(new Date(upperBound(now, 3 * M, 5 * M)).toISOString(), '2026-01-01T10:00:00.000Z');
  });

  it('iterates aligned half-open windows that tile the range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000_000_000_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.constantFrom(M, 5 * M, 15 * M, H),
        (from, spanMin, align) => {
          const to = from + spanMin * M;
          const ws = [...iterateWindows(from, to, align)];
          if (ws.length === 0) return false;
          for (let i = 0; i < ws.length; i++) {
            const w = ws[i]!;
            if (w.from % align !== 0 || w.to - w.from !== align) return false;
            if (i > 0 && ws[i - 1]!.to !== w.from) return false;
          }
          return (
            ws[0]!.from <= from &&
            ws.at(-1)!.to >= to &&
            windowContains(ws[0]!, from) &&
            !windowContains(ws.at(-1)!, ws.at(-1)!.to)
          );
        },
      ),
    );
  });
});
