/**
 * What a real server restart does to PgDb, on a private throwaway cluster (the shared test server is
 * never restarted): every error a client sees while the server stops, is down and starts again is
 * one withInfraRetry waits out, and a write issued while the server is down completes once it is
 * back, on the same pool.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PgDb } from '../../../src/db/pg-driver.js';
import { isDbUnavailable, withInfraRetry } from '../../../src/queue/infra-retry.js';
import { startPrivatePg } from '../../helpers/reliability/private-pg.js';

const describeError = (e: unknown) =>
  `${(e as { code?: string }).code ?? '-'} ${e instanceof Error ? e.message : String(e)}`;

describe('PgDb across a server restart (private cluster)', () => {
  it(
    'in-flight, idle and new connections fail as unavailable; a retried write lands once the server is back',
    { timeout: 60_000 },
    async (t) => {
      const started = await startPrivatePg();
      if (!started.ok) {
        t.skip(started.reason);
        return;
      }
      const server = started.pg;
      const db = await PgDb.open(server.url, { schema: 'obrestart', max: 4 });
      try {
        await db.exec('CREATE TABLE marks (id int PRIMARY KEY)');
        for (const mode of ['fast', 'immediate'] as const) {
          const seen: string[] = [];
          // A statement running and a transaction open (checked-out client) when the server stops.
          const running = db.query('SELECT pg_sleep(30)').then(
            () => assert.fail('pg_sleep survived the restart'),
            (e: unknown) => e,
          );
          let releaseTx: () => void = () => undefined;
          const inTx = db
            .transaction(async (tx) => {
              await tx.query('SELECT 1');
              await new Promise<void>((r) => (releaseTx = r));
              await tx.query('SELECT 1');
            })
            .then(
              () => assert.fail('the transaction survived the restart'),
              (e: unknown) => e,
            );
          await new Promise((r) => setTimeout(r, 300));
          await server.stop(mode);
          // While it is down: a new statement, and a retried write that must wait for the server.
          const down = await db.query('SELECT 1').then(
            () => assert.fail('a query succeeded with the server down'),
            (e: unknown) => e,
          );
          const id = mode === 'fast' ? 1 : 2;
          const retried = withInfraRetry(() => db.query('INSERT INTO marks VALUES ($1)', [id]));
          await new Promise((r) => setTimeout(r, 1_500));
          await server.start();
          releaseTx();
          for (const e of [await running, await inTx, down]) {
            seen.push(describeError(e));
            assert.ok(isDbUnavailable(e), `${mode}: not recognised as an unreachable server: ${describeError(e)}`);
          }
          t.diagnostic(`${mode}: ${seen.join(' | ')}`);
          await retried;
          const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM marks WHERE id = $1', [id]);
          assert.equal(r.rows[0]!.n, 1, `${mode}: the retried write landed once`);
        }
      } finally {
        await db.close().catch(() => undefined);
        await server.cleanup();
      }
    },
  );
});
