/**
 * The outbox's real bus: NATS JetStream. One stream holds `evt.>` and `cmd.>` (under an optional
 * subject prefix); each role is a durable pull consumer with explicit acks, so a message is
 * redelivered until its handler finished — at-least-once — and the handler's inbox row makes the
 * redelivery harmless. Publishes carry the outbox msg id as Nats-Msg-Id: JetStream drops a repeat
 * inside its duplicate window too, but correctness never depends on that window.
 */
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../obs/logger.js';
import { subjectMatches, type Bus, type BusMessage, type Subscription } from './bus.js';

export interface NatsBusOptions {
  url: string;
  stream: string;
  subjectPrefix: string;
  durablePrefix: string;
  logger: Logger;
  /** How long JetStream waits for an ack before redelivering. @defaultValue 30s */
  ackWaitMs?: number;
}

const enc = new TextEncoder();

function serverAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((x) => Number.parseInt(x, 10));
  return a > major || (a === major && b >= minor);
}
const dec = new TextDecoder();

export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  readonly #o: NatsBusOptions;
  readonly #subs: Subscription[] = [];
  readonly #waiting = new Map<string, Set<string>>();
  readonly #loops: Promise<void>[] = [];
  readonly #iters: ConsumerMessages[] = [];
  #nc: NatsConnection | undefined;
  #js: JetStreamClient | undefined;
  #stopped = false;

  constructor(o: NatsBusOptions) {
    this.#o = o;
  }

  subscribe(s: Subscription): void {
    this.#subs.push(s);
    this.#waiting.set(s.consumer, new Set());
  }

  async start(): Promise<void> {
    const o = this.#o;
    const nc = await connect({ servers: o.url, name: 'observebridge-ops' });
    this.#nc = nc;
    const jsm = await jetstreamManager(nc);
    const subjects = [`${o.subjectPrefix}evt.>`, `${o.subjectPrefix}cmd.>`];
    try {
      await jsm.streams.info(o.stream);
      await jsm.streams.update(o.stream, { subjects });
    } catch {
      await jsm.streams.add({ name: o.stream, subjects });
    }
    this.#js = jetstream(nc);
    // filter_subjects (several filters on one consumer) needs nats-server 2.10; Debian 12 ships 2.9.
    // There, a role with several filters gets one durable consumer per filter: the inbox row is per
    // role, so dedupe is unchanged; only the order across those subjects is not kept.
    const multi = serverAtLeast(nc.info?.version ?? '0.0.0', 2, 10);
    for (const s of this.#subs) {
      const groups = multi || s.subjects.length === 1 ? [s.subjects] : s.subjects.map((x) => [x]);
      for (const [i, filters] of groups.entries()) {
        const durable = `${o.durablePrefix}_${s.consumer}${groups.length > 1 ? `_${i}` : ''}`;
        const prefixed = filters.map((x) => o.subjectPrefix + x);
        await jsm.consumers.add(o.stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ...(prefixed.length === 1 ? { filter_subject: prefixed[0]! } : { filter_subjects: prefixed }),
          ack_wait: (o.ackWaitMs ?? 30_000) * 1_000_000,
        });
        const consumer = await this.#js.consumers.get(o.stream, durable);
        const iter = await consumer.consume({ max_messages: 64 });
        this.#iters.push(iter);
        this.#loops.push(this.#loop(s, iter));
      }
    }
  }

  async #loop(s: Subscription, iter: ConsumerMessages): Promise<void> {
    for await (const jm of iter) {
      let m: BusMessage;
      try {
        const body = JSON.parse(dec.decode(jm.data)) as {
          msg_id: string;
          topic: string;
          key: string | null;
          payload: Record<string, unknown>;
        };
        m = { msgId: body.msg_id, topic: body.topic, key: body.key, payload: body.payload };
      } catch {
        // Not ours (or corrupt): acknowledged so it is not redelivered forever; logged for a human.
        this.#o.logger.warn(
          { subject: jm.subject, consumer: s.consumer },
          'ops bus: message is not an outbox envelope; dropped',
        );
        jm.term();
        continue;
      }
      try {
        await s.handler(m);
        jm.ack();
        this.#waiting.get(s.consumer)?.delete(m.msgId);
      } catch (e) {
        this.#o.logger.warn(
          { err: e, consumer: s.consumer, msg_id: m.msgId },
          'ops bus: handler failed; redelivery later',
        );
        if (!this.#stopped) jm.nak(1000);
      }
    }
  }

  async publish(m: BusMessage): Promise<void> {
    if (!this.#js) throw new Error('ops bus: not started');
    const subject = this.#o.subjectPrefix + m.topic;
    for (const s of this.#subs)
      if (s.subjects.some((f) => subjectMatches(f, m.topic))) this.#waiting.get(s.consumer)!.add(m.msgId);
    const body = enc.encode(JSON.stringify({ msg_id: m.msgId, topic: m.topic, key: m.key, payload: m.payload }));
    const ack = await this.#js.publish(subject, body, { msgID: m.msgId });
    // Dropped by JetStream's duplicate window: no consumer will see it again, so none waits for it.
    if (ack.duplicate) for (const w of this.#waiting.values()) w.delete(m.msgId);
  }

  pending(): number {
    let n = 0;
    for (const w of this.#waiting.values()) n += w.size;
    return n;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const it of this.#iters) it.stop();
    await Promise.allSettled(this.#loops);
    await this.#nc?.close();
  }
}
