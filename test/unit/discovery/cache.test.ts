import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiscoveryCache, setHash } from '../../../src/discovery/cache.js';

const H = 3_600_000;
const add = (ws: number, hashes: number[], name = 'op') => ({ windowStart: ws, namespace: 'svc', name, hashes });

describe('DiscoveryCache', () => {
  it('holds what was committed per tenant, signal, debounce window and name', () => {
    const c = new DiscoveryCache();
    assert.equal(c.sets(1, 'span', 0, 'svc', 'op')?.known.size, 0, 'a window not seen yet is followed from empty');
    c.commit(1, 'span', [add(0, [10, 11]), add(0, [12], 'other')]);
    assert.deepEqual([...c.sets(1, 'span', 0, 'svc', 'op')!.known], [10, 11]);
    assert.equal(c.sets(1, 'log', 0, 'svc', 'op')!.known.size, 0, 'another signal');
    assert.equal(c.sets(2, 'span', 0, 'svc', 'op')!.known.size, 0, 'another tenant');
    c.commit(1, 'span', [add(0, [11, 13])]);
    assert.equal(c.size, 4, 'a hash committed twice is held once: 10, 11, 12, 13');
  });

  it('follows the current and the previous debounce window; an older one is not followed', () => {
    const c = new DiscoveryCache();
    c.commit(1, 'span', [add(0, [1])]);
    c.commit(1, 'span', [add(H, [2])]);
    c.commit(1, 'span', [add(2 * H, [3])]); // the window at 0 is forgotten
    assert.equal(c.sets(1, 'span', 0, 'svc', 'op'), undefined);
    assert.deepEqual([...c.sets(1, 'span', H, 'svc', 'op')!.known], [2]);
    c.commit(1, 'span', [add(0, [4])]); // a late window older than both: not recorded
    assert.equal(c.sets(1, 'span', 0, 'svc', 'op'), undefined);
    assert.equal(c.size, 2);
  });

  it('forgets the oldest windows past maxHashes', () => {
    const c = new DiscoveryCache({ maxHashes: 3 });
    c.commit(1, 'span', [add(0, [1, 2])]);
    c.commit(2, 'span', [add(H, [3, 4])]);
    assert.equal(c.size, 2);
    assert.equal(c.sets(2, 'span', H, 'svc', 'op')!.known.size, 2);
    assert.equal(c.sets(1, 'span', 0, 'svc', 'op')!.known.size, 0, 'tenant 1 window 0 evicted');
    assert.throws(() => new DiscoveryCache({ maxHashes: 0 }), /maxHashes must be positive/);
  });

  it('setHash: same text same hash, 53 bits', () => {
    assert.equal(setHash('{"a":"1"}'), setHash('{"a":"1"}'));
    assert.notEqual(setHash('{"a":"1"}'), setHash('{"a":"2"}'));
    assert.ok(Number.isSafeInteger(setHash('x'.repeat(1000))));
  });
});
