/**
 * A fresh, migrated database per benchmark case: an in-memory PGlite, or a new schema on the server
 * (DATABASE_URL) that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { migrate } from '../../src/db/migrate.js';
import { PgDb } from '../../src/db/pg-driver.js';
import { PgliteDb } from '../../src/db/pglite-driver.js';
import type { Db } from '../../src/db/types.js';
import type { DbKind } from './record.js';

export interface BenchDb {
  db: Db;
  kind: DbKind;
  /** Server only: the schema the case's tables live in. */
  schema?: string;
  close(): Promise<void>;
}

/** The database kinds to run on: PGlite always, the server when DATABASE_URL is set; `only` narrows. */
export function benchDbKinds(only?: readonly string[]): DbKind[] {
  const all: DbKind[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  return only && only.length > 0 ? all.filter((k) => only.includes(k)) : all;
}

/**
 * Writes a migrated PGlite data directory (tar) to `file`, so that every case process can start
 * from it instead of migrating again (faster, and migration's memory peak stays out of the case).
 */
export async function writePgliteTemplate(file: string): Promise<string> {
  const db = await PgliteDb.open('memory://');
  try {
    await migrate(db);
    const blob = (await db.pg.dumpDataDir('none')) as Blob;
    writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
    return file;
  } finally {
    await db.close();
  }
}

export interface OpenBenchDbOptions {
  /** @defaultValue true */
  migrate?: boolean;
  /** A data directory written by writePgliteTemplate (PGlite only; implies a migrated schema). */
  pgliteTemplate?: string;
}

export async function openBenchDb(kind: DbKind, opts: OpenBenchDbOptions = {}): Promise<BenchDb> {
  const doMigrate = opts.migrate ?? true;
  if (kind === 'pglite') {
    const template = doMigrate && opts.pgliteTemplate ? new Blob([readFileSync(opts.pgliteTemplate)]) : undefined;
    const db = await PgliteDb.open('memory://', template ? { loadDataDir: template } : {});
    if (doMigrate && !template) await migrate(db);
    return { db, kind, close: () => db.close() };
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('bench: DATABASE_URL is not set (needed for db=postgres)');
  const schema = `obbench_${randomBytes(5).toString('hex')}`;
  const db = await PgDb.open(url, { schema, max: 4 });
  try {
    if (doMigrate) await migrate(db);
  } catch (e) {
    await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
    throw e;
  }
  return {
    db,
    kind,
    schema,
    async close() {
      await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.close();
    },
  };
}
