import { createApiServer, type ApiServer } from '../../../src/api/server.js';
import { configSchema, type ParsedConfig } from '../../../src/config/schema.js';
import { ManualClock } from '../../../src/core/clock.js';
import type { Tenant } from '../../../src/core/tenant.js';
import type { Db } from '../../../src/db/types.js';
import type { JobDefinition } from '../../../src/jobs/job.js';
import { ooCallsJob } from '../../../src/jobs/oo-calls.js';
import { ooMetricsJob } from '../../../src/jobs/oo-metrics.js';
import { JobRegistry } from '../../../src/jobs/registry.js';
import { silentLogger } from '../../../src/obs/logger.js';
import { bindRunnerMetrics, createMetrics, type Metrics } from '../../../src/obs/metrics.js';
import { Runner } from '../../../src/runner/runner.js';
import { RunnerEvents } from '../../../src/runner/events.js';
import { SourceResolver } from '../../../src/runner/sources.js';
import { buildPairs } from '../../../src/scheduler/pairs.js';
import { Scheduler } from '../../../src/scheduler/scheduler.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';
import { openTestDb, type DriverName, type TestDb } from '../../helpers/db.js';
import { seedTenants } from '../../helpers/job-harness.js';

export const M = 60_000;
/** A fixed "now" (aligned to 5 minutes) so windows and lags are exact. */
export const NOW = Date.parse('2026-06-10T12:00:00Z');
export const TOKEN = 'test-token-0123456789abcdef';

export interface ApiHarness {
  t: TestDb;
  db: Db;
  clock: ManualClock;
  config: ParsedConfig;
  registry: JobRegistry;
  metrics: Metrics;
  tenants: Tenant[];
  server: ApiServer;
  /** Claims and runs every window that is due at the clock's now (the real runner), until none is left. */
  drain(): Promise<void>;
  /** One scheduler tick at the clock's now: enqueues the due windows of every (job, tenant). */
  schedule(): Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  token?: string | null;
  tenants?: string[];
  jobs?: () => JobDefinition[];
  configExtra?: Record<string, unknown>;
}

/** A migrated test database with tenants, the real jobs over the mock source, and the API server. */
export async function openApiHarness(driver: DriverName, o: HarnessOptions = {}): Promise<ApiHarness> {
  const t = await openTestDb(driver);
  const codes = o.tenants ?? ['acme', 'globex'];
  const tenants = await seedTenants(t.db, codes);
  const config = configSchema.parse({
    tenants: codes.map((code) => ({ code, source: { kind: 'mock', seed: 42, scale: 0.1 } })),
    ...o.configExtra,
  });
  const defs = o.jobs?.() ?? [ooCallsJob(), ooMetricsJob()];
  const registry = JobRegistry.create(defs, config);
  const clock = new ManualClock(NOW);
  const metrics = createMetrics({ defaultMetrics: true });
  const server = createApiServer({
    db: t.db,
    registry,
    clock,
    config,
    logger: silentLogger,
    metrics,
    token: o.token === undefined ? TOKEN : o.token,
  });
  const source = new MockSource(mockConfigSchema.parse({ kind: 'mock', seed: 42, scale: 0.1 }));
  const events = new RunnerEvents();
  bindRunnerMetrics(metrics, events, (id) => tenants.find((x) => x.id === id)?.code ?? String(id));
  const drain = async (): Promise<void> => {
    const runner = new Runner({
      db: t.db,
      clock,
      config,
      logger: silentLogger,
      events,
      sources: new SourceResolver(config, () => source),
      pairs: buildPairs(registry, tenants),
      jobConcurrency: new Map(defs.map((d) => [d.name, 2])),
      workerId: 'api-test',
      workers: 2,
      lease: 60_000,
    });
    await runner.drain();
    await runner.stop(1_000);
  };
  const scheduler = new Scheduler({
    db: t.db,
    clock,
    pairs: buildPairs(registry, tenants),
    events,
    logger: silentLogger,
    tick: 60_000,
    maxEnqueuePerTick: 10_000,
  });
  return {
    t,
    db: t.db,
    clock,
    config,
    registry,
    metrics,
    tenants,
    server,
    drain,
    schedule: async () => (await scheduler.tick()).enqueued,
    async close() {
      await server.stop();
      await t.close();
    },
  };
}

/** JSON POST to /events/enqueue through inject(), with the test token unless told otherwise. */
export interface PostOptions {
  token?: string | null;
  headers?: Record<string, string>;
  raw?: string;
}

/** JSON POST to `url` through inject(), with the test token unless told otherwise (null: none). */
export async function postJson(
  h: ApiHarness,
  url: string,
  body: unknown,
  opts: PostOptions = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const token = opts.token === undefined ? TOKEN : opts.token;
  const res = await h.server.app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/json',
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      ...opts.headers,
    },
    payload: opts.raw ?? JSON.stringify(body),
  });
  return { status: res.statusCode, json: res.json() as Record<string, unknown> };
}

/** JSON POST to /events/enqueue. */
export function enqueue(
  h: ApiHarness,
  body: unknown,
  opts: PostOptions = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  return postJson(h, '/events/enqueue', body, opts);
}

/** GET through inject(), with the test token unless told otherwise (null: no Authorization header). */
export async function getJson(
  h: ApiHarness,
  url: string,
  token: string | null = TOKEN,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers = token !== null ? { authorization: `Bearer ${token}` } : {};
  const res = await h.server.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, json: res.json() as Record<string, unknown> };
}

export const iso = (ms: number): string => new Date(ms).toISOString();
