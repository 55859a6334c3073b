import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ParsedConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Db } from '../db/types.js';
import type { JobRegistry } from '../jobs/registry.js';
import type { Logger } from '../obs/logger.js';
import type { Metrics } from '../obs/metrics.js';
import type { OpsAgent } from '../ops/agent.js';

/** What the routes need; built once by createApiServer. */
export interface ApiContext {
  db: Db;
  /** Jobs known in code and their effective settings per tenant. */
  registry: Pick<JobRegistry, 'has' | 'settings' | 'jobs'>;
  clock: Clock;
  config: ParsedConfig;
  logger: Logger;
  metrics: Metrics;
  /** Called after an enqueue created or re-queued windows (wakes the runner). */
  onEnqueued?: () => void;
  /** The OPS agent behind /case, /plan, /gate, /adapter, /verify (src/ops); absent when disabled. */
  ops?: OpsAgent;
}

export type ZodAny = z.ZodType;

/**
 * One route: what it accepts (zod schemas, validated once here, and turned into /openapi.json) and
 * what it does. Handlers receive typed, validated input and return the JSON body (or send the reply
 * themselves and return the reply).
 */
export interface RouteSpec<P extends ZodAny = ZodAny, Q extends ZodAny = ZodAny> {
  method: 'GET' | 'POST' | 'PATCH';
  /** Fastify form: `/api/services/:urn/dependencies`. */
  url: string;
  summary: string;
  description?: string;
  tags: string[];
  /**
   * Open to anyone who can reach the port (probes, scraping). Every other route needs the bearer
   * token when one is configured, or a loopback Host when none is: reads return tenant data too.
   */
  public?: boolean;
  params?: P;
  query?: Q;
  /** The JSON body, for the description only: handlers with several body modes validate themselves. */
  body?: ZodAny;
  /** This route's body limit in bytes, when it differs from http.body_limit_bytes. */
  bodyLimit?: number;
  /** Media types the body may come as (description only). */
  bodyTypes?: string[];
  /** Status → description, for /openapi.json. */
  responses: Record<number, string>;
  /** `text` routes answer text/plain (description only). */
  produces?: string;
  handler(input: {
    params: z.output<P>;
    query: z.output<Q>;
    req: FastifyRequest;
    reply: FastifyReply;
    ctx: ApiContext;
  }): Promise<unknown>;
}

/** Keeps each route's input types tied to its schemas. */
export function defineRoute<P extends ZodAny, Q extends ZodAny>(spec: RouteSpec<P, Q>): RouteSpec<P, Q> {
  return spec;
}
