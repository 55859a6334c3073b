import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Queryable } from '../db/types.js';
import type { Logger } from '../obs/logger.js';
import { enqueueDue, lastSuccessTo } from '../queue/enqueue-due.js';
import { reclaimExpired } from '../queue/reclaim-expired.js';
import { requeueRevisits } from '../queue/revisit.js';
import type { RunnerEvents } from '../runner/events.js';
import { firstWindowStart, pairUpper, type WorkPair } from './pairs.js';

export interface SchedulerOptions {
  db: Queryable;
  clock: Clock;
  pairs: readonly WorkPair[];
  events: RunnerEvents;
  logger: Logger;
  /** Time between ticks in ms. */
  tick: number;
  /** New windows enqueued per tick over all pairs, so a long catch-up is spread out. */
  maxEnqueuePerTick: number;
}

export interface TickResult {
  enqueued: number;
  revisits: number;
  expired: number;
}

/**
 * Decides which windows exist: each tick enqueues, for every enabled (job, tenant), the due windows
 * from the end of its last successful window (or now − initial_lookback) up to its upper bound,
 * re-queues windows whose revisit age passed, and ends runs lost on their last attempt. Every step is
 * idempotent, so any number of processes may tick the same database.
 */
export class Scheduler {
  readonly #o: SchedulerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #started = false;
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#o = options;
  }

  /** One pass over all pairs. */
  async tick(): Promise<TickResult> {
    const { db, clock, pairs, events } = this.#o;
    const t0 = Date.now();
    const now = clock.now();
    const expired = await reclaimExpired(db, now);
    let remaining = this.#o.maxEnqueuePerTick;
    let enqueued = 0;
    let revisits = 0;
    for (let i = 0; i < pairs.length && remaining > 0; i++) {
      const p = pairs[i]!;
      const share = Math.ceil(remaining / (pairs.length - i));
      const last = await lastSuccessTo(db, p.def.name, p.tenant.id);
      const n = await enqueueDue(db, {
        job: p.def.name,
        tenantId: p.tenant.id,
        start: firstWindowStart(last, now, p.settings),
        upper: pairUpper(p, now),
        align: p.settings.align,
        cap: share,
        maxAttempts: p.settings.retry.attempts,
        now,
      });
      remaining -= n;
      enqueued += n;
      if (n > 0) events.emit('scheduler:enqueued', { job: p.def.name, tenantId: p.tenant.id, count: n });
    }
    for (const p of pairs) {
      if (p.settings.revisit.length > 0)
        revisits += await requeueRevisits(db, p.def.name, p.tenant.id, p.settings.revisit, now);
    }
    events.emit('scheduler:tick', { enqueued, revisits, expired, durationMs: Date.now() - t0 });
    return { enqueued, revisits, expired };
  }

  /** Ticks now and then every `tick` ms until stop(). Returns at once. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    const loop = async () => {
      try {
        await this.tick();
      } catch (e) {
        // A database hiccup must not stop scheduling; the next tick retries the same idempotent work.
        this.#o.logger.warn({ err: errorMessage(e) }, 'scheduler tick failed');
      }
      if (!this.#stopped) this.#timer = setTimeout(() => (this.#running = loop()), this.#o.tick);
    };
    this.#running = loop();
  }

  /** Stops ticking and waits for a tick in progress. Safe before start and twice. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}
