/**
 * Consumer-side dedupe (the Inbox half of Outbox/Inbox): a message id is handled once per consumer.
 *
 * - `inTransaction`: the handler's writes and the inbox row commit together — exactly-once effect on
 *   the database however often the message arrives.
 * - `afterEffect`: for handlers with outside effects (a script, a webhook, an LLM call) that cannot
 *   join a transaction: skipped when the inbox has the id, marked when the handler returned. A crash
 *   in between repeats the effect — the at-least-once that outside effects inherently have.
 */
import type { Db, Queryable } from '../db/types.js';
import type { BusMessage, Handler } from './bus.js';
import type { OpsMetrics } from './metrics.js';
import { inboxClaim, inboxSeen } from './store.js';

export function inTransaction(
  db: Db,
  consumer: string,
  fn: (tx: Queryable, m: BusMessage) => Promise<void>,
  metrics?: OpsMetrics,
  onCommit?: () => void,
): Handler {
  return async (m) => {
    let dup = false;
    await db.transaction(async (tx) => {
      if (!(await inboxClaim(tx, consumer, m.msgId))) {
        dup = true;
        return;
      }
      await fn(tx, m);
    });
    if (dup) metrics?.inboxDedup(consumer);
    else onCommit?.();
  };
}

export function afterEffect(
  db: Db,
  consumer: string,
  fn: (m: BusMessage) => Promise<void>,
  metrics?: OpsMetrics,
): Handler {
  return async (m) => {
    if (await inboxSeen(db, consumer, m.msgId)) {
      metrics?.inboxDedup(consumer);
      return;
    }
    await fn(m);
    await inboxClaim(db, consumer, m.msgId);
  };
}
