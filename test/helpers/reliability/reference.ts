/**
 * The reference result of a scenario: the same windows run cleanly, in this process, on a fresh
 * database (cached per setup and range within a test process).
 */
import type { Window } from '../../../src/core/window.js';
import { enqueueWindows } from '../../../src/queue/enqueue.js';
import { openTestDb, type DriverName } from '../db.js';
import { summaryRows, type TableRows } from './checksum.js';
import { enqueueRange, runQueued, type RelSetup } from './setup.js';

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
    // Syncs the tenants the way a runtime does, then queues exactly the given windows.
    const first = Math.min(...Object.values(windows).flatMap((ws) => ws.map((w) => w.from)));
    await enqueueRange(t.db, { ...s, jobs: [] }, first, first);
    const tenants = await t.db.query<{ tenant_id: number }>('SELECT tenant_id FROM dim_tenant ORDER BY code');
    for (const { tenant_id } of tenants.rows)
      for (const [job, ws] of Object.entries(windows))
        await enqueueWindows(t.db, { job, tenantId: tenant_id, windows: ws, maxAttempts: 50, now: Date.now() });
    const summary = await runQueued(t.db, s, { workers: 4 });
    if (!summary.ok) throw new Error(`reference run failed: ${JSON.stringify(summary)}`);
    return await summaryRows(t.db);
  } finally {
    await t.close();
  }
}
