import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAttrFilters } from '../../../src/correlation/attr-filter.js';
import { rankPatterns } from '../../../src/correlation/queries.js';

const row = (fingerprint: string, in_failed: number, in_healthy: number) => ({
  resource: 'urn:k8s:svc:shop/orders',
  fingerprint,
  pattern: fingerprint,
  severity: null,
  in_failed,
  in_healthy,
});

describe('edge → logs ranking', () => {
  it('ranks by lift of failed over healthy traces, drops patterns absent from failed traces', () => {
    const r = rankPatterns(
      [row('common', 10, 10), row('only-failed', 8, 0), row('only-healthy', 0, 9), row('some', 9, 2)],
      10,
      10,
    );
    assert.deepEqual(
      r.map((x) => x.fingerprint),
      ['only-failed', 'some', 'common'],
    );
    assert.equal(r[0]!.failed_share, 0.8);
    assert.equal(r[2]!.lift, 1, 'as often in both: lift 1');
  });

  it('stays finite without healthy traces and breaks ties by the failed count', () => {
    const r = rankPatterns([row('b', 3, 0), row('a', 3, 0), row('c', 5, 0)], 5, 0);
    assert.ok(r.every((x) => Number.isFinite(x.lift)));
    assert.deepEqual(
      r.map((x) => x.fingerprint),
      ['c', 'a', 'b'],
    );
  });
});

describe('attr filters', () => {
  it('parses key=value (the value may hold =) and names what is wrong', () => {
    assert.deepEqual(parseAttrFilters(['user_id=U928374', 'q=a=b']), { user_id: 'U928374', q: 'a=b' });
    assert.match(String(parseAttrFilters(['user_id'])), /key=value/);
    assert.match(String(parseAttrFilters(['=x'])), /key=value/);
    assert.match(String(parseAttrFilters(['k='])), /value of k/);
    assert.match(String(parseAttrFilters(Array.from({ length: 9 }, (_, i) => `k${i}=v`))), /at most 8/);
  });
});
