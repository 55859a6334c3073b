import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { listTenants } from '../db/tenants.js';
import { builtInJobs } from '../jobs/index.js';
import { JobRegistry } from '../jobs/registry.js';
import { queueStatus, statusPairs, type PairStatus } from '../queue/status.js';
import { alignColumns, configOption, dbOption, type DbOptions, openContext, printJson } from './context.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('per job and tenant: last successful window, lag, queued/running/failed/dead, circuit, last error')
    .addOption(dbOption())
    .addOption(configOption())
    .option(
      '--json',
      'print [{job, tenant, last_success_to, lag_seconds, queued, running, failed, dead, circuit, last_error}]',
    )
    .action(async (opts: DbOptions & { json?: boolean }) => {
      // Fail fast, before touching the database: every job and config problem, with its path.
      JobRegistry.create(builtInJobs(), loadConfig(opts.config).config);
      const ctx = await openContext(opts);
      try {
        const registry = JobRegistry.create(builtInJobs(), ctx.loaded.config);
        const known = new Map((await listTenants(ctx.db)).map((t) => [t.code, t.id]));
        const pairs = statusPairs(
          registry,
          ctx.loaded.config.tenants.map((t) => t.code),
          known,
        );
        const rows = await queueStatus(ctx.db, pairs, systemClock.now());
        if (opts.json) printJson(rows);
        else process.stdout.write(formatTable(rows));
      } finally {
        await ctx.close();
      }
    });
}

const COLUMNS: [string, (r: PairStatus) => string][] = [
  ['JOB', (r) => r.job],
  ['TENANT', (r) => r.tenant],
  ['LAST SUCCESS', (r) => r.last_success_to ?? '-'],
  ['LAG', (r) => (r.lag_seconds === null ? '-' : `${r.lag_seconds}s`)],
  ['QUEUED', (r) => String(r.queued)],
  ['RUNNING', (r) => String(r.running)],
  ['FAILED', (r) => String(r.failed)],
  ['DEAD', (r) => String(r.dead)],
  ['CIRCUIT', (r) => r.circuit],
  ['LAST ERROR', (r) => (r.last_error ?? '').replace(/\s+/g, ' ').slice(0, 80)],
];

export function formatTable(rows: PairStatus[]): string {
  if (rows.length === 0) return 'no enabled jobs (is the config right?)\n';
  return alignColumns([COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, f]) => f(r)))]);
}
