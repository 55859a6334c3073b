import { PgDb, type PgDbOptions } from './pg-driver.js';
import { PgliteDb } from './pglite-driver.js';
import type { Db } from './types.js';

export const DEFAULT_PGLITE_DIR = './.observebridge/db';

export function isServerUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * Opens the database named by `target`: a postgres:// or postgresql:// URL means the server,
 * anything else a PGlite data directory (`memory://` for a throwaway one).
 */
export async function openDb(target: string, opts: PgDbOptions = {}): Promise<Db> {
  if (isServerUrl(target)) return PgDb.open(target, opts);
  return PgliteDb.open(target);
}
