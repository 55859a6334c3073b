import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JOB_DEFAULTS } from '../../../src/jobs/registry.js';
import { firstWindowStart } from '../../../src/scheduler/pairs.js';
import { inShard, parseShard, tenantHash } from '../../../src/scheduler/shard.js';

const MIN = 60_000;

describe('shards', () => {
  it('parses k/n and rejects the rest', () => {
    assert.deepEqual(parseShard('1/3'), { k: 1, n: 3 });
    for (const bad of ['3/3', '-1/2', '1', 'a/b', '0/0', '1/2/3'])
      assert.throws(() => parseShard(bad), /--shard: expected k\/n/);
  });

  it('uses a stable hash (the same on every process and version)', () => {
    // FNV-1a 32-bit reference values.
    assert.equal(tenantHash(''), 0x811c9dc5);
    assert.equal(tenantHash('a'), 0xe40c292c);
    assert.equal(tenantHash('foobar'), 0xbf9cf968);
  });

  it('puts every tenant in exactly one shard', () => {
    const codes = Array.from({ length: 200 }, (_, i) => `tenant-${i}`);
    const n = 3;
    const counts = [0, 0, 0];
    for (const c of codes) {
      const owners = [0, 1, 2].filter((k) => inShard(c, { k, n }));
      assert.equal(owners.length, 1);
      counts[owners[0]!]!++;
    }
    assert.ok(
      counts.every((x) => x > 40),
      `spread: ${counts.join(', ')}`,
    );
    assert.ok(inShard('anything', undefined));
  });
});

describe('where the scheduler starts', () => {
  const s = { ...JOB_DEFAULTS, revisit: [], options: {}, align: 5 * MIN, delay: 2 * MIN, initialLookback: 30 * MIN };
  const now = Date.parse('2024-03-01T10:07:30Z');

  it('starts at now − initial_lookback floored to the align when nothing succeeded', () => {
    assert.equal(new Date(firstWindowStart(null, now, s)).toISOString(), '2024-03-01T09:35:00.000Z');
  });

  it('resumes at the end of the last successful window (rounded up if the align changed)', () => {
    assert.equal(firstWindowStart(Date.parse('2024-03-01T08:00:00Z'), now, s), Date.parse('2024-03-01T08:00:00Z'));
    assert.equal(firstWindowStart(Date.parse('2024-03-01T08:01:00Z'), now, s), Date.parse('2024-03-01T08:05:00Z'));
  });
});
