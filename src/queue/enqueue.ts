import type { Window } from '../core/window.js';
import type { Queryable } from '../db/types.js';
import { iso, ms, queueSql } from './sql-file.js';
import type { RunStatus } from './types.js';

export interface EnqueueRequest {
  job: string;
  tenantId: number;
  windows: readonly Window[];
  maxAttempts: number;
  now: number;
  /** Re-queue windows that already ended (success or dead). */
  force?: boolean;
}

export interface EnqueuedWindow extends Window {
  /** What this call did: created the run, re-queued an ended one (force), or found it there. */
  action: 'inserted' | 'requeued' | 'existing';
  status: RunStatus;
}

/** Statements stay bounded whatever the range (a year of 1m windows is 525,600). */
const CHUNK = 5_000;

/** Enqueues windows once (ux_job_once); the same request twice creates nothing new. */
export async function enqueueWindows(db: Queryable, req: EnqueueRequest): Promise<EnqueuedWindow[]> {
  const out: EnqueuedWindow[] = [];
  for (let i = 0; i < req.windows.length; i += CHUNK) {
    out.push(...(await enqueueChunk(db, { ...req, windows: req.windows.slice(i, i + CHUNK) })));
  }
  return out;
}

async function enqueueChunk(db: Queryable, req: EnqueueRequest): Promise<EnqueuedWindow[]> {
  const r = await db.query<{ window_from: Date; window_to: Date; status: RunStatus; action: EnqueuedWindow['action'] }>(
    queueSql('enqueue'),
    [
      req.job,
      req.tenantId,
      req.windows.map((w) => iso(w.from)),
      req.windows.map((w) => iso(w.to)),
      req.maxAttempts,
      iso(req.now),
      req.force === true,
    ],
  );
  return r.rows.map((x) => ({ from: ms(x.window_from)!, to: ms(x.window_to)!, status: x.status, action: x.action }));
}

/** One window: `enqueueWindows` with a single element. */
export async function enqueueOnce(
  db: Queryable,
  req: Omit<EnqueueRequest, 'windows'> & { window: Window },
): Promise<EnqueuedWindow> {
  const [out] = await enqueueWindows(db, { ...req, windows: [req.window] });
  return out!;
}
