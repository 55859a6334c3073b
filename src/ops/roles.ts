/** What every role (planner, gatekeeper, executor, verifier) is given, and what it answers. */
import type { Clock } from '../core/clock.js';
import type { Db } from '../db/types.js';
import type { Logger } from '../obs/logger.js';
import type { OpsMetrics } from './metrics.js';
import type { OpsSettings } from './settings.js';

export interface RoleDeps {
  db: Db;
  settings: OpsSettings;
  logger: Logger;
  metrics: OpsMetrics;
  clock: Clock;
  /** A commit wrote outbox rows: wake the relay. */
  kick: () => void;
}

/** A role's answer: an HTTP-like status and a JSON body (routes and the CLI send it as is). */
export interface RoleAnswer {
  status: number;
  body: Record<string, unknown>;
}

export function fail(status: number, error: string, message: string, extra: Record<string, unknown> = {}): RoleAnswer {
  return { status, body: { error, message, ...extra } };
}
