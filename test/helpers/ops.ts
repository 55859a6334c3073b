/** Helpers of the OPS agent's tests: an agent on a test database, and summaries to verify against. */
import { ManualClock } from '../../src/core/clock.js';
import type { Db } from '../../src/db/types.js';
import { silentLogger } from '../../src/obs/logger.js';
import { createMetrics, type Metrics } from '../../src/obs/metrics.js';
import { OpsAgent, type OpsAgentOptions } from '../../src/ops/agent.js';
import type { z } from 'zod';
import { opsConfigSchema } from '../../src/ops/config.js';

export const OPS_NOW = Date.parse('2026-12-02T12:00:00Z');
export const MIN = 60_000;

export function opsAgent(
  db: Db,
  config: z.input<typeof opsConfigSchema> = {},
  extra: Partial<OpsAgentOptions> = {},
): { agent: OpsAgent; metrics: Metrics; clock: ManualClock } {
  const metrics = createMetrics({ defaultMetrics: false });
  const clock = new ManualClock(OPS_NOW);
  const agent = new OpsAgent({
    db,
    config: opsConfigSchema.parse(config),
    logger: silentLogger,
    registry: metrics.registry,
    clock,
    ...extra,
  });
  return { agent, metrics, clock };
}

export const EDGE = { src: 'urn:k8s:svc:shop/checkout', dst: 'urn:db:postgres:main/orders' };

/** A tenant with one edge and `windows` 5-minute rows of service_call_5m ending before `now`. */
export async function seedEdge(
  db: Db,
  tenant: string,
  now: number,
  windows: { p95: number; errRate: number }[],
): Promise<void> {
  const t = await db.query<{ tenant_id: string }>(
    `INSERT INTO dim_tenant (code, name) VALUES ($1, $1) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING tenant_id`,
    [tenant],
  );
  const tid = t.rows[0]!.tenant_id;
  const ids: string[] = [];
  for (const [urn, type] of [
    [EDGE.src, 'k8s_service'],
    [EDGE.dst, 'database'],
  ] as const) {
    const r = await db.query<{ resource_id: string }>(
      `INSERT INTO dim_resource (tenant_id, urn, type, name) VALUES ($1, $2, $3, $2)
       ON CONFLICT (tenant_id, urn) DO UPDATE SET type = EXCLUDED.type RETURNING resource_id`,
      [tid, urn, type],
    );
    ids.push(r.rows[0]!.resource_id);
  }
  const end = Math.floor(now / (5 * MIN)) * 5 * MIN - 5 * MIN; // the newest complete bucket
  for (const [i, w] of windows.entries()) {
    const bucket = new Date(end - i * 5 * MIN).toISOString();
    const calls = 1000;
    await db.query(
      `INSERT INTO service_call_5m (bucket, tenant_id, src_resource_id, dst_resource_id, rps, err_rate, p50_ms, p95_ms, calls, errors)
       VALUES ($1::timestamptz, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (bucket, tenant_id, src_resource_id, dst_resource_id)
       DO UPDATE SET p95_ms = EXCLUDED.p95_ms, err_rate = EXCLUDED.err_rate, errors = EXCLUDED.errors`,
      [bucket, tid, ids[0]!, ids[1]!, calls / 300, w.errRate, w.p95 / 2, w.p95, calls, Math.round(calls * w.errRate)],
    );
  }
}

export async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const r = await db.query<{ n: string }>(sql, params as never);
  return Number(r.rows[0]!.n);
}
