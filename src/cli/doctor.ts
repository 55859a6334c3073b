import type { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { inspectDatabase, type Check } from '../db/doctor-checks.js';
import { openDb } from '../db/open.js';
import { kbChecks } from '../kb/doctor.js';
import { configOption, dbOption, type DbOptions, printJson, resolveDbTarget } from './context.js';

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the config, the database, its version and capabilities, and what is missing')
    .addOption(dbOption())
    .addOption(configOption())
    .option('--json', 'print the checks as JSON')
    .action(async (opts: DbOptions & { json?: boolean }) => {
      const checks: Check[] = [];
      let loaded: LoadedConfig | undefined;
      let configFailed = false;
      try {
        loaded = loadConfig(opts.config);
        checks.push({
          name: 'config',
          status: 'ok',
          detail: `${loaded.path}: ${loaded.config.tenants.length} tenant(s)`,
        });
      } catch (e) {
        configFailed = true;
        const problems = e instanceof ConfigError ? e.problems.join('; ') : errorMessage(e);
        checks.push({ name: 'config', status: 'fail', detail: problems });
      }
      const target = resolveDbTarget(opts, loaded);
      try {
        const db = await openDb(target);
        try {
          checks.push({ name: 'database', status: 'ok', detail: `reachable: ${db.target}` });
          checks.push(...(await inspectDatabase(db)));
          if (loaded) checks.push(...(await kbChecks(db, loaded.config.kb)));
        } finally {
          await db.close();
        }
      } catch (e) {
        checks.push({
          name: 'database',
          status: 'fail',
          detail: `${target.replace(/:[^:@/]*@/, ':***@')}: ${errorMessage(e)}`,
        });
      }
      if (opts.json) printJson({ ok: !checks.some((c) => c.status === 'fail'), checks });
      else for (const c of checks) process.stdout.write(`${MARK[c.status]}  ${c.name.padEnd(26)} ${c.detail}\n`);
      if (configFailed) process.exitCode = 2;
      else if (checks.some((c) => c.status === 'fail')) process.exitCode = 1;
    });
}
