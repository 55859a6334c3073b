/**
 * The outbox relay: publishes committed outbox rows in commit order and stamps `published_at`
 * afterwards. A crash between the publish and the stamp publishes the row again on restart
 * (at-least-once); it can never lose one, because nothing is published before its commit and
 * nothing is stamped before its publish. No lock is held while publishing: with the in-process bus
 * the handlers write (new transitions) through the same single PGlite connection.
 */
import type { Db } from '../db/types.js';
import type { Logger } from '../obs/logger.js';
import type { Bus } from './bus.js';
import type { OpsMetrics } from './metrics.js';
import { markPublished, markPublishFailed, unpublished, type PendingMessage } from './store.js';

export interface RelayOptions {
  batch: number;
  pollMs: number;
  logger: Logger;
  metrics?: OpsMetrics | undefined;
  /** Test seam: runs after a batch was published and before it is stamped (the crash window). */
  afterPublish?: ((rows: readonly PendingMessage[]) => Promise<void>) | undefined;
}

export class OutboxRelay {
  readonly #db: Db;
  readonly #bus: Bus;
  readonly #o: RelayOptions;
  #loop: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #backoffUntil = 0;

  constructor(db: Db, bus: Bus, o: RelayOptions) {
    this.#db = db;
    this.#bus = bus;
    this.#o = o;
  }

  start(): void {
    if (this.#stopped || this.#timer) return;
    this.#timer = setInterval(() => this.kick(), this.#o.pollMs);
    this.#timer.unref();
    this.kick();
  }

  /** Something was committed: publish soon. Calls during a pump make it go round once more. */
  kick(): void {
    if (this.#stopped) return;
    this.#again = true;
    this.#loop ??= this.#run().finally(() => {
      this.#loop = undefined;
    });
  }

  async #run(): Promise<void> {
    while (this.#again && !this.#stopped) {
      this.#again = false;
      if (Date.now() < this.#backoffUntil) return;
      try {
        const r = await this.pumpOnce();
        if (r.published === this.#o.batch) this.#again = true;
        if (r.failed) this.#backoffUntil = Date.now() + 500;
      } catch (e) {
        this.#o.logger.warn({ err: e }, 'ops relay: reading the outbox failed; retrying on the next poll');
        return;
      }
    }
  }

  /** Publishes one batch; stops at the first failure so a case's messages keep their order. */
  async pumpOnce(): Promise<{ published: number; failed: boolean }> {
    const rows = await unpublished(this.#db, this.#o.batch);
    const done: PendingMessage[] = [];
    let failed = false;
    for (const row of rows) {
      try {
        await this.#bus.publish(row);
        this.#o.metrics?.outboxPublish(row.topic, 'ok');
        done.push(row);
      } catch (e) {
        failed = true;
        this.#o.metrics?.outboxPublish(row.topic, 'error');
        this.#o.logger.warn(
          { err: e, msg_id: row.msgId, topic: row.topic },
          'ops relay: publish failed; kept for retry',
        );
        await markPublishFailed(this.#db, row.id, e instanceof Error ? e.message : String(e));
        break;
      }
    }
    if (done.length > 0) {
      await this.#o.afterPublish?.(done);
      await markPublished(
        this.#db,
        done.map((r) => r.id),
      );
    }
    return { published: done.length, failed };
  }

  /**
   * Waits until every committed row is published and the local consumers have handled what this
   * process published (which may commit new rows: it goes round until quiet). False on timeout.
   */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      this.#backoffUntil = 0;
      this.kick();
      await this.#loop;
      const left = await this.#db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
      if (Number(left.rows[0]!.n) === 0 && this.#bus.pending() === 0 && this.#loop === undefined) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#loop;
  }
}
