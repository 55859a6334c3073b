import {
  ABSENT_COST,
  OPTIONAL_EXTENSIONS,
  REQUIRED_EXTENSIONS,
  availableExtensions,
  installedExtensions,
} from './capabilities.js';
import { loadMigrations } from './migrate.js';
import type { Queryable } from './types.js';

export interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

async function tableExists(db: Queryable, name: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
  return r.rows[0]?.ok === true;
}

/** Inspects a database without changing it: version, schema, extensions, TimescaleDB job health. */
export async function inspectDatabase(db: Queryable): Promise<Check[]> {
  const checks: Check[] = [];
  const v = await db.query<{ v: string }>('SELECT version() AS v');
  checks.push({ name: 'server', status: 'ok', detail: v.rows[0]!.v });

  const available = await availableExtensions(db);
  const installed = await installedExtensions(db);
  for (const ext of REQUIRED_EXTENSIONS) {
    checks.push(
      available.has(ext)
        ? {
            name: `extension ${ext}`,
            status: 'ok',
            detail: installed.has(ext) ? `installed ${installed.get(ext)}` : 'available',
          }
        : {
            name: `extension ${ext}`,
            status: 'fail',
            detail: 'required but not available: install PostgreSQL contrib',
          },
    );
  }

  const code = loadMigrations().at(-1)?.version ?? 0;
  let applied = 0;
  if (await tableExists(db, 'ob_schema_migration')) {
    applied =
      (await db.query<{ v: number | null }>('SELECT max(version) AS v FROM ob_schema_migration')).rows[0]?.v ?? 0;
  }
  checks.push(
    applied === code
      ? { name: 'schema', status: 'ok', detail: `migrations current (version ${applied})` }
      : applied > code
        ? {
            name: 'schema',
            status: 'fail',
            detail: `database is at ${applied}, newer than this ObserveBridge (${code})`,
          }
        : { name: 'schema', status: 'fail', detail: `at version ${applied} of ${code}: run 'observebridge migrate'` },
  );

  const recorded = new Map<string, { enabled: boolean; variant: string }>();
  if (await tableExists(db, 'ob_capability')) {
    const r = await db.query<{ name: string; enabled: boolean; variant: string }>(
      'SELECT name, enabled, variant FROM ob_capability',
    );
    for (const row of r.rows) recorded.set(row.name, row);
  }
  for (const ext of OPTIONAL_EXTENSIONS) {
    const rec = recorded.get(ext);
    if (rec?.enabled)
      checks.push({
        name: `capability ${ext}`,
        status: 'ok',
        detail: `on (${rec.variant}, ${installed.get(ext) ?? '?'})`,
      });
    else if (available.has(ext))
      checks.push({
        name: `capability ${ext}`,
        status: 'warn',
        detail: `available but not in use (${rec?.variant ?? 'not migrated'}): ${ABSENT_COST[ext]}`,
      });
    else checks.push({ name: `capability ${ext}`, status: 'warn', detail: `absent: ${ABSENT_COST[ext]}` });
  }

  if (recorded.get('timescaledb')?.enabled) checks.push(await timescaleJobHealth(db));
  return checks;
}

/**
 * TimescaleDB policy jobs can be recorded as failed on every scheduled run (seen on PostgreSQL
 * 15.20 + TimescaleDB 2.28: "cannot drop portal "" while it is being set up"). On that pairing the
 * runs still did their work first: a scheduled retention run dropped chunks older than drop_after
 * and a compression run compressed the chunk, then the job ended with the error. So a failing job
 * does not tell whether data is kept or dropped; the job statistics and job_errors tell more.
 */
async function timescaleJobHealth(db: Queryable): Promise<Check> {
  try {
    const r = await db.query<{
      job_id: number;
      proc_name: string;
      total_failures: number;
      total_successes: number;
      last_run_status: string | null;
    }>(
      `SELECT j.job_id, j.proc_name, s.total_failures, s.total_successes, s.last_run_status
         FROM timescaledb_information.jobs j
         LEFT JOIN timescaledb_information.job_stats s USING (job_id)
        WHERE j.proc_name IN ('policy_compression', 'policy_retention')
          AND j.hypertable_schema = current_schema()`, // this install's policies, not other schemas'
    );
    const failing = r.rows.filter((x) => (x.total_failures ?? 0) > 0 && (x.total_successes ?? 0) === 0);
    if (failing.length > 0) {
      return {
        name: 'timescaledb policies',
        status: 'warn',
        detail:
          `${failing.length} of ${r.rows.length} policy jobs have only failed (${failing.map((f) => `${f.proc_name}#${f.job_id}`).join(', ')}); ` +
          `check timescaledb_information.job_errors (on PostgreSQL 15.20 + TimescaleDB 2.28 the runs compress and drop chunks before they fail) and the chunks themselves.`,
      };
    }
    return { name: 'timescaledb policies', status: 'ok', detail: `${r.rows.length} policy jobs, none failing` };
  } catch (e) {
    return {
      name: 'timescaledb policies',
      status: 'warn',
      detail: `cannot read job statistics: ${(e as Error).message}`,
    };
  }
}
