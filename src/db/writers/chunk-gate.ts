import { readFileSync } from 'node:fs';
import { isEnabled } from '../capabilities.js';
import type { Queryable } from '../types.js';

const CREATES_CHUNK = readFileSync(new URL('./chunk-gate.sql', import.meta.url), 'utf8');

/** Advisory lock class of the gate (two-int form; the schema's hash is the second key). */
const CHUNK_GATE = 727_274_020;

export type Hypertable = 'metric_1m' | 'service_call_5m' | 'log_pattern_5m';

/**
 * The first statement of every window transaction that writes a hypertable, or a table a hypertable
 * references (dim_resource, log_pattern, oo_locator), when TimescaleDB is in use.
 *
 * Why: a row in a time range no chunk covers makes TimescaleDB create the chunk inside the inserting
 * transaction, and creating it clones the hypertable's foreign keys onto the chunk
 * (`ALTER TABLE _hyper_1_1_chunk ADD CONSTRAINT ... REFERENCES dim_resource`), which takes
 * SHARE ROW EXCLUSIVE on every referenced table. The window transaction already holds ROW EXCLUSIVE
 * on dim_resource (its upsert of the window's resources), and so do the other windows running at
 * the same time: two of them creating chunks (oo-metrics and oo-calls of a fresh database, both
 * tenants) each wait for the other's ROW EXCLUSIVE — a lock upgrade deadlock, seen on every fresh
 * database; and a window creating a chunk also waits behind a window that is itself waiting, on a
 * dim_resource key, for the creator.
 *
 * The order that cannot deadlock: a window that will create a chunk runs alone among the writing
 * windows of its schema. Every such transaction takes this gate before its first write, shared when
 * the chunks it writes into exist, exclusive when one is missing. The exclusive holder then waits
 * only for writers outside the windows (none hold it for long), and the others queue at the gate
 * holding nothing. Chunks are created once per chunk interval (7 or 30 days) per hypertable, so the
 * exclusive case is rare; the shared case costs one catalog query per window. With TimescaleDB absent
 * (and on PGlite) it costs one capability lookup and takes no lock.
 */
export async function enterWindowWrite(
  tx: Queryable,
  target?: { hypertable: Hypertable; window: { from: number; to: number } },
): Promise<'none' | 'shared' | 'exclusive'> {
  if (!(await isEnabled(tx, 'timescaledb'))) return 'none';
  let exclusive = false;
  if (target) {
    const r = await tx.query<{ creates_chunk: boolean }>(CREATES_CHUNK, [
      target.hypertable,
      new Date(target.window.from),
      new Date(target.window.to),
    ]);
    exclusive = r.rows[0]?.creates_chunk === true;
  }
  await tx.query(
    `SELECT ${exclusive ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared'}($1, hashtext(current_schema()))`,
    [CHUNK_GATE],
  );
  return exclusive ? 'exclusive' : 'shared';
}
