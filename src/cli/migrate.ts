import type { Command } from 'commander';
import { syncTenants } from '../db/tenants.js';
import { configOption, dbOption, type DbOptions, openContext, printJson } from './context.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create or update the database schema (detects TimescaleDB, AGE, pgvector) and sync tenants')
    .addOption(dbOption())
    .addOption(configOption())
    .option('--json', 'print the result as JSON')
    .action(async (opts: DbOptions & { json?: boolean }) => {
      const ctx = await openContext(opts);
      try {
        const tenants = await syncTenants(ctx.db, ctx.loaded.config.tenants);
        const result = { database: ctx.db.target, ...ctx.migrated!, tenants: tenants.map((t) => t.code) };
        if (opts.json) printJson(result);
        else {
          const applied = result.applied.length ? result.applied.join(', ') : 'none (schema is current)';
          process.stdout.write(`database: ${result.database}\nmigrations applied: ${applied}\n`);
          for (const c of result.capabilities) process.stdout.write(`capability ${c.name}: ${c.variant}\n`);
          process.stdout.write(`tenants: ${result.tenants.join(', ')}\n`);
        }
      } finally {
        await ctx.close();
      }
    });
}
