/**
 * The event bus the outbox relay publishes to and the agent's roles consume from. Delivery is
 * at-least-once on every implementation: a consumer sees a message id again after a crash or a
 * retry, and dedupes it through the inbox (consume.ts).
 *
 * Implementations: InProcessBus (the embedded default: handlers in this process, called by the
 * relay) and NatsBus (JetStream, nats-bus.ts).
 */

export interface BusMessage {
  msgId: string;
  /** The logical subject, without any deployment prefix. */
  topic: string;
  key: string | null;
  payload: Record<string, unknown>;
}

export type Handler = (m: BusMessage) => Promise<void>;

export interface Subscription {
  /** Durable name: one per role (orchestrator, planner, ...). */
  consumer: string;
  /** NATS-style filters: `evt.plan.*.v1`, `cmd.>`. */
  subjects: readonly string[];
  handler: Handler;
}

export interface Bus {
  readonly kind: 'inprocess' | 'nats';
  /** Registers a consumer; call before start. */
  subscribe(s: Subscription): void;
  start(): Promise<void>;
  /** Resolves once the bus holds the message (NATS: the JetStream ack; in-process: every handler ran). */
  publish(m: BusMessage): Promise<void>;
  /** Messages published by this process that a local consumer has not finished yet. */
  pending(): number;
  stop(): Promise<void>;
}

/** NATS subject matching: `*` one token, `>` the rest (one or more tokens). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

/**
 * Handlers run in this process when the relay publishes. A handler that throws makes the publish
 * fail, so the relay keeps the row unpublished and delivers it again later — to every handler, which
 * is why consumers dedupe.
 */
export class InProcessBus implements Bus {
  readonly kind = 'inprocess' as const;
  readonly #subs: Subscription[] = [];
  #inFlight = 0;

  subscribe(s: Subscription): void {
    this.#subs.push(s);
  }

  async start(): Promise<void> {}

  async publish(m: BusMessage): Promise<void> {
    this.#inFlight++;
    try {
      const errors: unknown[] = [];
      for (const s of this.#subs) {
        if (!s.subjects.some((f) => subjectMatches(f, m.topic))) continue;
        try {
          await s.handler(m);
        } catch (e) {
          errors.push(e);
        }
      }
      if (errors.length > 0) throw errors[0];
    } finally {
      this.#inFlight--;
    }
  }

  pending(): number {
    return this.#inFlight;
  }

  async stop(): Promise<void> {}
}
