import type { Queryable } from '../types.js';
import { graphLiteral, type GraphName } from './graph-name.js';
import { graphSql, sqlFile } from './sql-files.js';

/**
 * Prepares the current transaction for AGE: loads the library (a no-op once loaded in the session)
 * and appends ag_catalog to the search_path for this transaction only, keeping the schema the
 * tables live in first (AGE resolves cypher() and agtype operators through the search_path).
 * LOAD needs a superuser unless the server preloads age (shared_preload_libraries).
 *
 * JIT is switched off for the transaction: the planner's estimates for cypher() plans are far off
 * (1.8 million rows for a 1,000-row UNWIND), which makes PostgreSQL JIT-compile statements that run
 * in milliseconds; the compile cost more than the query (impact k = 3: up to seconds with JIT).
 */
export async function enterAge(tx: Queryable): Promise<void> {
  await tx.exec(`LOAD 'age'`);
  await tx.query(`SELECT set_config('search_path', current_setting('search_path') || ', ag_catalog', true)`);
  await tx.query(`SELECT set_config('jit', 'off', true)`);
}

/** Creates the graph, its labels and the indexes the refresh relies on, when any is missing. */
export async function ensureAgeGraph(tx: Queryable, g: GraphName): Promise<boolean> {
  // Check first: CREATE INDEX IF NOT EXISTS would lock the label tables against concurrent refreshes.
  const r = await tx.query<{ ready: number }>(sqlFile('age-graph-ready.sql'), [g]);
  if (Number(r.rows[0]?.ready ?? 0) === 9) return false;
  await tx.exec(graphSql('age-graph.sql', g));
  return true;
}

/** Drops the graph and everything in it (tests and benchmarks). */
export async function dropAgeGraph(tx: Queryable, g: GraphName): Promise<void> {
  await tx.exec(
    `DO $$ BEGIN IF EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = ${graphLiteral(g)}) THEN ` +
      `PERFORM ag_catalog.drop_graph(${graphLiteral(g)}, true); END IF; END $$`,
  );
}

/**
 * Runs one Cypher statement with its parameters as the agtype third argument of cypher() (AGE takes
 * parameters only that way: a bound parameter of a prepared statement, here the extended protocol's
 * unnamed one; a literal map is rejected). The statement returns one column; each value comes back
 * parsed from its agtype text.
 */
export async function cypher<T = unknown>(
  tx: Queryable,
  g: GraphName,
  text: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  if (text.includes('$$')) throw new Error('cypher text must not contain $$');
  const r = await tx.query<{ r: string | null }>(
    `SELECT r::text AS r FROM ag_catalog.cypher(${graphLiteral(g)}, $$ ${text} $$, $1) AS (r ag_catalog.agtype)`,
    [JSON.stringify(params)],
  );
  return r.rows.map((x) => parseAgtype(x.r) as T);
}

/**
 * agtype text of scalars, lists and maps is JSON (graph entities would carry `::vertex` annotations;
 * the refresh and the queries never return them, and never store NaN or Infinity).
 */
export function parseAgtype(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/** Splits rows into batches of `size` (AGE MERGE is much faster on ~1,000 rows than on 10,000). */
export function batches<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
