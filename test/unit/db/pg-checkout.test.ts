import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { checkout } from '../../../src/db/pg-driver.js';

/**
 * A pool that behaves as pg-pool does when a backend is terminated right after connecting: it hands
 * the client to the connect callback from inside the socket handler, and the FATAL that followed in
 * the same chunk is emitted on the client before that handler returns.
 */
function poolWithFatalAfterHandover(released: unknown[]): Pick<pg.Pool, 'connect'> {
  return {
    connect: ((cb: (err: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void) => {
      const client = Object.assign(new EventEmitter(), {
        release: (e?: Error | boolean) => void released.push(e ?? null),
      }) as unknown as pg.PoolClient;
      cb(undefined, client, () => undefined);
      client.emit('error', new Error('terminating connection due to administrator command'));
    }) as unknown as pg.Pool['connect'],
  };
}

describe('pg driver checkout', () => {
  it('a connection error emitted as the client is handed over is absorbed, not thrown', async () => {
    const released: unknown[] = [];
    const client = await checkout(poolWithFatalAfterHandover(released));
    assert.equal(client.listenerCount('error'), 1, 'our listener is on while checked out');
    client.release(true);
    assert.equal(client.listenerCount('error'), 0, 'and off once released (the pool adds its own)');
    assert.deepEqual(released, [true]);
  });

  it('a failed connect rejects with its error', async () => {
    const pool = {
      connect: ((cb: (err: Error) => void) => cb(new Error('ECONNREFUSED'))) as unknown as pg.Pool['connect'],
    };
    await assert.rejects(checkout(pool), /ECONNREFUSED/);
  });
});
