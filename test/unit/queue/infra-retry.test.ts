import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDbUnavailable, isTransientDbError, withInfraRetry } from '../../../src/queue/infra-retry.js';

const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

/** A clock the injected sleep advances: the retry's time budget runs on it. */
function fakeTime() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

describe('infrastructure retry: a server restart', () => {
  it('classifies what a restart raises as an unreachable server, and contention apart', () => {
    for (const e of [
      err('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      err('terminating connection due to administrator command', '57P01'),
      err('terminating connection because of crash of another server process', '57P02'),
      err('the database system is starting up', '57P03'),
      err('the database system is shutting down', '57P03'),
      err('Connection terminated unexpectedly'),
      err('Client has encountered a connection error and is not queryable'),
    ])
      assert.equal(isDbUnavailable(e), true, e.message);
    assert.equal(isDbUnavailable(err('could not serialize access', '40001')), false);
    assert.equal(isTransientDbError(err('could not serialize access', '40001')), true);
    assert.equal(isTransientDbError(err('duplicate key', '23505')), false);
    assert.equal(isTransientDbError('ECONNREFUSED'), false, 'only error objects are classified');
  });

  it('waits out a 3 s outage although it takes far more than 5 tries', async () => {
    const time = fakeTime();
    let calls = 0;
    const out = await withInfraRetry(
      async () => {
        calls++;
        if (time.now() < 3_000) throw err('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
        return 'written';
      },
      { sleep: time.sleep, now: time.now },
    );
    assert.equal(out, 'written');
    assert.ok(calls > 5, `${calls} calls`);
    assert.ok(
      time.slept.every((ms) => ms <= 1_000),
      'a server back up is noticed within a second',
    );
  });

  /** A statement that always fails with this error, counting its calls. */
  const alwaysFailing = (message: string, code: string) => {
    const f = {
      calls: 0,
      run: async (): Promise<never> => {
        f.calls++;
        throw err(message, code);
      },
    };
    return f;
  };

  it('gives up on an outage longer than outageMs, with the last error', async () => {
    const time = fakeTime();
    const f = alwaysFailing('the database system is starting up', '57P03');
    await assert.rejects(withInfraRetry(f.run, { sleep: time.sleep, now: time.now, outageMs: 10_000 }), /starting up/);
    assert.ok(time.now() >= 10_000 && time.now() < 12_000, `gave up at ${time.now()} ms`);
    assert.ok(f.calls > 10);
  });

  it('still bounds contention by attempts', async () => {
    const time = fakeTime();
    const f = alwaysFailing('deadlock detected', '40P01');
    await assert.rejects(withInfraRetry(f.run, { sleep: time.sleep, now: time.now, attempts: 3 }), /deadlock/);
    assert.equal(f.calls, 3);
  });

  it('stops waiting when the caller shuts down', async () => {
    const time = fakeTime();
    let calls = 0;
    let stopping = false;
    await assert.rejects(
      withInfraRetry(
        async () => {
          if (++calls === 4) stopping = true;
          throw err('Connection terminated unexpectedly');
        },
        { sleep: time.sleep, now: time.now, cancelled: () => stopping },
      ),
      /Connection terminated/,
    );
    assert.equal(calls, 4);
  });
});
