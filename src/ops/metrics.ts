/**
 * The agent's Prometheus figures (seed 001 §8), registered in ObserveBridge's one registry
 * (obs/metrics.ts) under the project's `observebridge_` prefix. Labels are low-cardinality: states,
 * events, reasons, topics, actions, outcomes — never case ids.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface OpsMetrics {
  transition(from: string, to: string, event: string): void;
  /** 409 (illegal, version), 412 (If-Match), 422 (guard). */
  conflict(reason: string): void;
  idempotentReplay(): void;
  outboxPublish(topic: string, status: 'ok' | 'error'): void;
  inboxDedup(consumer: string): void;
  stepLatency(action: string, status: string, seconds: number): void;
  verifyLatency(passed: boolean, seconds: number): void;
}

const byRegistry = new WeakMap<Registry, OpsMetrics>();

/** The agent's metrics in `registry`, created once per registry. */
export function opsMetrics(registry: Registry): OpsMetrics {
  const known = byRegistry.get(registry);
  if (known) return known;
  const registers = [registry];
  const transitions = new Counter({
    name: 'observebridge_case_transition_total',
    help: 'Accepted case state transitions',
    labelNames: ['from', 'to', 'event'] as const,
    registers,
  });
  const conflicts = new Counter({
    name: 'observebridge_conflict_total',
    help: 'Transition attempts refused: illegal move or stale version (409), If-Match mismatch (412), failed guard (422)',
    labelNames: ['reason'] as const,
    registers,
  });
  const replays = new Counter({
    name: 'observebridge_idempotent_replay_total',
    help: 'Requests answered from the idempotency table instead of being applied again',
    registers,
  });
  const published = new Counter({
    name: 'observebridge_outbox_publish_total',
    help: 'Outbox messages handed to the bus, by topic and status',
    labelNames: ['topic', 'status'] as const,
    registers,
  });
  const dedup = new Counter({
    name: 'observebridge_inbox_dedup_total',
    help: 'Messages a consumer had already processed (redelivery), skipped by message id',
    labelNames: ['consumer'] as const,
    registers,
  });
  const steps = new Histogram({
    name: 'observebridge_adapter_step_latency_seconds',
    help: 'Wall time of one executed plan step attempt',
    labelNames: ['action', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers,
  });
  const verify = new Histogram({
    name: 'observebridge_verify_latency_seconds',
    help: 'Wall time of one verification of a plan against the summaries',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers,
  });
  const m: OpsMetrics = {
    transition: (from, to, event) => transitions.inc({ from, to, event }),
    conflict: (reason) => conflicts.inc({ reason }),
    idempotentReplay: () => replays.inc(),
    outboxPublish: (topic, status) => published.inc({ topic, status }),
    inboxDedup: (consumer) => dedup.inc({ consumer }),
    stepLatency: (action, status, s) => steps.observe({ action, status }, s),
    verifyLatency: (passed, s) => verify.observe({ outcome: passed ? 'pass' : 'failed' }, s),
  };
  byRegistry.set(registry, m);
  return m;
}
