import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { migrate } from '../../src/db/migrate.js';
import { PgDb } from '../../src/db/pg-driver.js';
import { PgliteDb } from '../../src/db/pglite-driver.js';
import type { Db } from '../../src/db/types.js';

export type DriverName = 'pglite' | 'postgres';

/** PGlite always; the server too when DATABASE_URL is set (CI sets it). TEST_DRIVERS=pglite narrows. */
export function drivers(): DriverName[] {
  const all: DriverName[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  const only = process.env.TEST_DRIVERS?.split(',').map((s) => s.trim());
  return only ? all.filter((d) => only.includes(d)) : all;
}

let template: Promise<Blob> | undefined;

/** A migrated PGlite data directory, built once per test process and cloned for each test. */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await PgliteDb.open('memory://');
    await migrate(db);
    const blob = (await db.pg.dumpDataDir('none')) as Blob;
    await db.close();
    return blob;
  })();
  return template;
}

export interface TestDb {
  db: Db;
  driver: DriverName;
  /** Server only: the schema the test's tables live in. */
  schema?: string;
  close(): Promise<void>;
}

/** A fresh, migrated database: a cloned in-memory PGlite, or a new schema on the server. */
export async function openTestDb(driver: DriverName): Promise<TestDb> {
  if (driver === 'pglite') {
    const db = await PgliteDb.open('memory://', { loadDataDir: await pgliteTemplate() });
    return { db, driver, close: () => db.close() };
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const schema = `obtest_${randomBytes(6).toString('hex')}`;
  const db = await PgDb.open(url, { schema, max: 4 });
  await migrate(db);
  return {
    db,
    driver,
    schema,
    async close() {
      await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.close();
    },
  };
}

/** Opens a fresh database for the current test and closes it when the file's tests end. */
export async function useTestDb(driver: DriverName): Promise<Db> {
  const t = await openTestDb(driver);
  after(() => t.close());
  return t.db;
}
