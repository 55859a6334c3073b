import { z } from 'zod';
import { dataExtents, type Dataset, type DatasetExtent } from '../../db/queries/data-span.js';
import { pairKey, windowDurations } from '../../db/queries/window-durations.js';
import { listTenants } from '../../db/tenants.js';
import { queueStatus, statusPairs, type PairStatus } from '../../queue/status.js';
import { defineRoute } from '../context.js';
import { intParam } from '../validate.js';

export interface StatusPair extends PairStatus {
  /** The job's window step for this tenant (a lag is judged against it). */
  align_ms: number;
  /** Durations in ms of the newest successful windows, oldest first (a sparkline). */
  durations_ms: number[];
}

export interface StatusResponse {
  now: string;
  jobs: string[];
  tenants: { code: string; name: string; enabled: boolean; data: Record<Dataset, DatasetExtent> }[];
  pairs: StatusPair[];
}

/**
 * `observebridge status --json` per pair plus what a status page draws: the recent window durations
 * and where each tenant's data begins and ends (the same functions the CLI uses).
 */
export const statusRoute = defineRoute({
  method: 'GET',
  url: '/api/status',
  summary: 'Per job and tenant: lag, last success, queue counts, circuit, recent window durations',
  description:
    'The rows of `observebridge status --json`, each with `durations_ms` (the newest successful windows, ' +
    'oldest first), and per configured tenant the oldest and newest bucket of calls, metrics and logs.',
  tags: ['read'],
  query: z.strictObject({ windows: intParam(1, 200, 30) }),
  responses: { 200: '{now, jobs, tenants, pairs}', 400: 'Invalid query' },
  async handler({ query, ctx }): Promise<StatusResponse> {
    const now = ctx.clock.now();
    const codes = ctx.config.tenants.map((t) => t.code);
    const inDb = await listTenants(ctx.db);
    const known = new Map(inDb.map((t) => [t.code, t.id]));
    const pairs = statusPairs(ctx.registry, codes, known);
    const [rows, durations] = [
      await queueStatus(ctx.db, pairs, now),
      await windowDurations(ctx.db, pairs, query.windows),
    ];
    const tenants: StatusResponse['tenants'] = [];
    for (const code of codes) {
      const t = inDb.find((x) => x.code === code);
      if (t) tenants.push({ code, name: t.name, enabled: t.enabled, data: await dataExtents(ctx.db, t.id) });
    }
    return {
      now: new Date(now).toISOString(),
      jobs: ctx.registry.jobs.map((j) => j.name),
      tenants,
      pairs: rows.map((r) => ({
        ...r,
        align_ms: ctx.registry.settings(r.job, r.tenant).align,
        durations_ms: (durations.get(pairKey(r.job, known.get(r.tenant) ?? -1)) ?? []).map((d) => Math.round(d.ms)),
      })),
    };
  },
});
