/**
 * The OPS agent of one process: the Orchestrator, the roles, the bus and the outbox relay, built
 * from the shared database, config, logger, metrics registry and clock. One lifecycle like every
 * long-lived part: start() subscribes and starts relaying; stop() is idempotent and safe before start.
 */
import type { Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { Db } from '../db/types.js';
import type { Logger } from '../obs/logger.js';
import { eventNotFound, eventSource } from './analyst.js';
import { InProcessBus, type Bus } from './bus.js';
import type { OpsConfig } from './config.js';
import { runExecution, type ExecRequest } from './executor/executor.js';
import { evaluateGate } from './gatekeeper.js';
import { opsMetrics } from './metrics.js';
import { NatsBus } from './nats-bus.js';
import { createCase, transition, type Answer, type CreateCaseRequest, type TransitionRequest } from './orchestrator.js';
import { generatePlan, type GenerateRequest, type Librarian } from './planner/planner.js';
import { subscribeReactor } from './reactor.js';
import { OutboxRelay, type RelayOptions } from './relay.js';
import type { RoleAnswer, RoleDeps } from './roles.js';
import { opsSettings, type OpsSettings } from './settings.js';
import { runVerify } from './verifier.js';

export interface OpsAgentOptions {
  db: Db;
  config: OpsConfig | undefined;
  logger: Logger;
  registry: Registry;
  clock: Clock;
  /** Overrides the bus the config names (tests). */
  bus?: Bus | undefined;
  /** Test seam of the relay (the crash window). */
  afterPublish?: RelayOptions['afterPublish'];
  librarian?: Librarian | undefined;
}

export class OpsAgent {
  readonly settings: OpsSettings;
  readonly bus: Bus;
  readonly relay: OutboxRelay;
  readonly deps: RoleDeps;
  readonly #librarian: Librarian | undefined;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(o: OpsAgentOptions) {
    this.settings = opsSettings(o.config);
    const s = this.settings;
    this.bus =
      o.bus ??
      (s.bus.kind === 'nats'
        ? new NatsBus({
            url: s.bus.url,
            stream: s.bus.stream,
            subjectPrefix: s.bus.subjectPrefix,
            durablePrefix: s.bus.durablePrefix,
            logger: o.logger,
          })
        : new InProcessBus());
    const metrics = opsMetrics(o.registry);
    this.relay = new OutboxRelay(o.db, this.bus, {
      batch: s.relay.batch,
      pollMs: s.relay.pollMs,
      logger: o.logger,
      metrics,
      afterPublish: o.afterPublish,
    });
    this.deps = { db: o.db, settings: s, logger: o.logger, metrics, clock: o.clock, kick: () => this.relay.kick() };
    this.#librarian = o.librarian;
    subscribeReactor(
      this.bus,
      this.deps,
      {
        plan: (id) => this.generatePlan({ caseId: id, actor: 'planner' }),
        gate: (id) => this.evaluateGate(id),
        exec: (id) => this.execute({ caseId: id }),
        verify: (id) => this.verify(id),
      },
      s.autoDrive,
    );
  }

  start(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#started ??= (async () => {
      await this.bus.start();
      this.relay.start();
      this.deps.logger.info({ bus: this.bus.kind, auto_drive: this.settings.autoDrive }, 'ops: agent started');
    })();
    return this.#started;
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#started?.catch(() => undefined);
      await this.relay.stop();
      await this.bus.stop();
    })();
    return this.#stopped;
  }

  /** Publishes what is committed and lets the local consumers react (bounded); false on timeout. */
  settle(timeoutMs = 10_000): Promise<boolean> {
    return this.relay.drain(timeoutMs);
  }

  createCase(r: CreateCaseRequest): Promise<Answer> {
    return createCase(this.deps.db, r, { metrics: this.deps.metrics, onOutbox: this.deps.kick });
  }

  /**
   * The Analyst: opens a case from an ObserveBridge event with its evidence (NEW), then starts the
   * analysis (→ ANALYZING) through the Orchestrator. The same event twice gives the same case.
   */
  async openFromEvent(eventId: string, actor = 'analyst'): Promise<Answer> {
    const src = await eventSource(this.deps.db, eventId).catch(() => undefined);
    if (!src) return { ...eventNotFound(eventId), replayed: false };
    const created = await this.createCase({ ...src, actor, idempotencyKey: `event:${eventId}` });
    if (created.status !== 201 || created.replayed) return created;
    const caseId = String(created.body.data);
    await this.transition({
      caseId,
      event: 'start_analysis',
      actor,
      correlationId: eventId,
      idempotencyKey: `event:${eventId}`,
    });
    return created;
  }

  transition(r: TransitionRequest): Promise<Answer> {
    return transition(this.deps.db, r, { metrics: this.deps.metrics, onOutbox: this.deps.kick });
  }

  generatePlan(r: GenerateRequest): Promise<RoleAnswer> {
    return generatePlan(this.deps, r, this.#librarian);
  }

  evaluateGate(caseId: string, actor?: string): Promise<RoleAnswer> {
    return evaluateGate(this.deps, caseId, actor);
  }

  execute(r: ExecRequest): Promise<RoleAnswer> {
    return runExecution(this.deps, r);
  }

  verify(caseId: string): Promise<RoleAnswer> {
    return runVerify(this.deps, caseId);
  }
}
