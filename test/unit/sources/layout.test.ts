import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LAYOUTS,
  type Layout,
  parseLayout,
  partitionStarts,
  renderPartition,
  streamsPrefix,
} from '../../../src/sources/objectstore/layout.js';

const layout = (t: string): Layout => {
  const l = parseLayout(t);
  assert.ok(typeof l !== 'string', String(l));
  return l;
};
const H = 3_600_000;
const D = Date.UTC(2024, 5, 10);

describe('object-store layouts', () => {
  it('renders OO and hive keys for a partition (UTC, zero-padded)', () => {
    assert.equal(
      renderPartition(layout(LAYOUTS.openobserve), { org: 'acme', dataset: 'traces', stream: 'default' }, D + 6 * H),
      'files/acme/traces/default/2024/06/10/06/',
    );
    assert.equal(
      renderPartition(layout(LAYOUTS.hive), { org: 'acme', dataset: 'logs' }, D + 23 * H),
      'logs/yyyy=2024/mm=06/dd=10/hh=23/',
    );
    assert.equal(
      streamsPrefix(layout(LAYOUTS.openobserve), { org: 'acme', dataset: 'metrics' }),
      'files/acme/metrics/',
    );
    assert.equal(streamsPrefix(layout(LAYOUTS.hive), { org: 'acme', dataset: 'metrics' }), undefined);
  });

  it('lists exactly the partitions a half-open window overlaps', () => {
    assert.deepStrictEqual(partitionStarts('hour', D + 11.5 * H, D + 12 * H + 600_000), [D + 11 * H, D + 12 * H]);
    assert.deepStrictEqual(partitionStarts('hour', D + 11 * H, D + 12 * H), [D + 11 * H], 'the end is exclusive');
    assert.deepStrictEqual(partitionStarts('hour', D + 11 * H, D + 12 * H, H), [D + 10 * H, D + 11 * H, D + 12 * H]);
    assert.deepStrictEqual(partitionStarts('day', D + 23 * H, D + 25 * H), [D, D + 24 * H]);
    assert.deepStrictEqual(partitionStarts('month', Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 2)), [
      Date.UTC(2024, 0),
      Date.UTC(2024, 1),
    ]);
    assert.deepStrictEqual(partitionStarts('minute', D + 30_000, D + 90_000), [D, D + 60_000]);
  });

  it('finest time token sets the granularity; gaps and unknown tokens are rejected', () => {
    assert.equal(layout('{dataset}/{YYYY}/{MM}/{DD}/').granularity, 'day');
    assert.equal(layout('{dataset}/{YYYY}/{MM}/{DD}/{HH}/{mi}').granularity, 'minute');
    assert.equal(layout('x/{YYYY}').template, 'x/{YYYY}/');
    assert.match(String(parseLayout('{YYYY}/{DD}/')), /\{DD\} also needs \{MM\}/);
    assert.match(String(parseLayout('{tenant}/{YYYY}/')), /unknown token/);
  });
});
