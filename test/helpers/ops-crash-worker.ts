/**
 * A process of the OPS crash test (test/reliability/ops-outbox-crash.test.ts): commits case
 * transitions, relays the outbox to NATS JetStream and consumes it with a deduplicating consumer
 * (inbox + an effect row per message, in one transaction). It prints `committed` right after each
 * commit and `published` right after a batch reached JetStream but before its rows are stamped —
 * the two moments the parent kills it in. `drain` mode produces nothing: it publishes what is left
 * and waits until every outbox message has had its effect, then exits 0.
 */
import { PgDb } from '../../src/db/pg-driver.js';
import { PgliteDb } from '../../src/db/pglite-driver.js';
import type { Db } from '../../src/db/types.js';
import { silentLogger } from '../../src/obs/logger.js';
import { inTransaction } from '../../src/ops/consume.js';
import { NatsBus } from '../../src/ops/nats-bus.js';
import { createCase, transition } from '../../src/ops/orchestrator.js';
import { OutboxRelay } from '../../src/ops/relay.js';
import { seededRandom } from '../../src/sources/mock/prng.js';
import { workerMain } from './worker-process.js';

export interface CrashWorkerSpec {
  /** A postgres:// URL (with `schema`) or a PGlite data directory. */
  db: string;
  schema?: string;
  nats: { url: string; stream: string; subjectPrefix: string; durablePrefix: string };
  mode: 'produce' | 'drain';
  seed: number;
}

const say = (line: string): void => void process.stdout.write(line + '\n');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function count(db: Db, sql: string): Promise<number> {
  return Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
}

workerMain<CrashWorkerSpec>('ops-crash-worker', async (spec) => {
  const db: Db = spec.db.startsWith('postgres')
    ? await PgDb.open(spec.db, { schema: spec.schema!, max: 4 })
    : await PgliteDb.open(spec.db);
  const rand = seededRandom(spec.seed);
  const bus = new NatsBus({ ...spec.nats, logger: silentLogger, ackWaitMs: 1500 });
  bus.subscribe({
    consumer: 'sink',
    subjects: ['evt.>', 'cmd.>'],
    handler: async (m) => {
      // Every delivery is counted outside the transaction: how many duplicates the inbox absorbed.
      await db.query('INSERT INTO crash_delivery (msg_id) VALUES ($1)', [m.msgId]);
      await inTransaction(db, 'sink', async (tx) => {
        await tx.query('INSERT INTO crash_effect (msg_id) VALUES ($1)', [m.msgId]);
      })(m);
    },
  });
  await bus.start();
  const relay = new OutboxRelay(db, bus, {
    batch: 4,
    pollMs: 3_600_000,
    logger: silentLogger,
    afterPublish: async (rows) => {
      // Recorded before the marker, so a kill at the marker leaves it: the parent counts republishes.
      for (const r of rows) await db.query('INSERT INTO crash_publish (msg_id) VALUES ($1)', [r.msgId]);
      say('published');
      await sleep(Math.floor(rand() * 25));
    },
  });
  say('ready');
  if (spec.mode === 'produce') {
    for (let i = 0; ; i++) {
      const c = await createCase(db, { tenant: 'crash', title: `c${spec.seed}-${i}` });
      say('committed');
      await transition(db, { caseId: String(c.body.data), event: 'start_analysis' });
      say('committed');
      await sleep(Math.floor(rand() * 10));
      await relay.pumpOnce();
    }
  }
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    while ((await relay.pumpOnce()).published > 0);
    const left = await count(db, 'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
    const missing = await count(
      db,
      'SELECT count(*) AS n FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM crash_effect e WHERE e.msg_id = o.msg_id)',
    );
    if (left === 0 && missing === 0) {
      say('drained');
      await bus.stop();
      await db.close();
      return 0;
    }
    await sleep(200);
  }
  say('timeout');
  return 1;
});
