/**
 * The reference result of a scenario: the same windows run cleanly, in this process, on a fresh
 * database (cached per setup and range within a test process).
 */
import type { Window } from '../../../src/core/window.js';
import { syncTenants } from '../../../src/db/tenants.js';
import { enqueueWindows } from '../../../src/queue/enqueue.js';
import { openTestDb, type DriverName } from '../db.js';
import { summaryRows, type TableRows } from './checksum.js';
import { enqueueRange, relConfig, runQueued, type RelSetup } from './setup.js';

const cache = new Map<string, Promise<TableRows>>();

/** Summary rows of a clean run of [from, to) on a fresh database of `driver`. */
export function referenceRows(
  s: RelSetup,
  from: number,
  to: number,
  driver: DriverName = 'pglite',
): Promise<TableRows> {
  const key = JSON.stringify([s, from, to, driver]);
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const t = await openTestDb(driver);
      const db = t.db;
      try {
        await enqueueRange(db, s, from, to);
        const summary = await runQueued(db, s);
        if (!summary.ok) throw new Error(`reference run failed: ${JSON.stringify(summary)}`);
        return await summaryRows(db);
      } finally {
        await t.close();
      }
    })();
    cache.set(key, p);
  }
  return p;
}

/** Summary rows of a clean run of exactly these windows (per job) on a fresh database of `driver`. */
export async function referenceRowsFor(
  s: RelSetup,
  windows: Record<string, Window[]>,
  driver: DriverName = 'pglite',
): Promise<TableRows> {
  const t = await openTestDb(driver);
  try {
    // The configured tenants as a runtime syncs them, then exactly the given windows.
    for (const tenant of await syncTenants(t.db, relConfig(s).tenants))
      for (const [job, ws] of Object.entries(windows))
        await enqueueWindows(t.db, { job, tenantId: tenant.id, windows: ws, maxAttempts: 50, now: Date.now() });
    const summary = await runQueued(t.db, s, { workers: 4 });
    if (!summary.ok) throw new Error(`reference run failed: ${JSON.stringify(summary)}`);
    return await summaryRows(t.db);
  } finally {
    await t.close();
  }
}
