import { loadMigrations } from '../migrate.js';
import type { Queryable } from '../types.js';

export interface SchemaStatus {
  /** Every migration this code ships is applied, and none newer. */
  current: boolean;
  /** Versions this code ships that the database lacks. */
  missing: number[];
  /** Newest version recorded in the database (null when none). */
  database: number | null;
  /** Newest version this code ships. */
  code: number;
}

let shipped: number[] | undefined;

/** Compares ob_schema_migration with the migrations this build ships (read once per process). */
export async function schemaStatus(db: Queryable): Promise<SchemaStatus> {
  shipped ??= loadMigrations().map((m) => m.version);
  const r = await db.query<{ version: number }>('SELECT version FROM ob_schema_migration ORDER BY version');
  const have = new Set(r.rows.map((x) => Number(x.version)));
  const missing = shipped.filter((v) => !have.has(v));
  const database = r.rows.length > 0 ? Number(r.rows.at(-1)!.version) : null;
  const code = shipped.at(-1) ?? 0;
  return { current: missing.length === 0 && (database ?? 0) <= code, missing, database, code };
}
