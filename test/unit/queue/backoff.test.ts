import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { retryDelay } from '../../../src/queue/backoff.js';
import { isTransientDbError, withInfraRetry } from '../../../src/queue/infra-retry.js';

const policy = { attempts: 5, base: 10_000, factor: 2, max: 60_000 };

describe('retry backoff', () => {
  it('grows exponentially per attempt and is capped', () => {
    const mid = () => 0.5;
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((a) => retryDelay(policy, a, mid)),
      [7_500, 15_000, 30_000, 45_000, 45_000],
    );
  });

  it('jitters within [delay/2, delay]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const full = Math.min(policy.max, policy.base * 2 ** (attempt - 1));
        const d = retryDelay(policy, attempt, () => r);
        return d >= Math.floor(full / 2) && d <= full;
      }),
    );
  });
});

describe('infrastructure retry', () => {
  it('retries only transient database errors', async () => {
    assert.equal(isTransientDbError(Object.assign(new Error('x'), { code: '40001' })), true);
    assert.equal(isTransientDbError(Object.assign(new Error('x'), { code: 'ECONNRESET' })), true);
    assert.equal(isTransientDbError(Object.assign(new Error('dup'), { code: '23505' })), false);
    let n = 0;
    const out = await withInfraRetry(
      async () => {
        if (++n < 3) throw Object.assign(new Error('deadlock'), { code: '40P01' });
        return 'ok';
      },
      { sleep: async () => undefined },
    );
    assert.deepEqual([out, n], ['ok', 3]);
    let m = 0;
    await assert.rejects(
      withInfraRetry(
        async () => {
          m++;
          throw Object.assign(new Error('unique'), { code: '23505' });
        },
        { sleep: async () => undefined },
      ),
      /unique/,
    );
    assert.equal(m, 1, 'a non-transient error is not retried');
  });
});
