/**
 * Writes a job window's discovery into the debounce-window rows, inside the job's transaction (a
 * failed window leaves them as they were). Upserts: first/last seen widen, counts add — but only the
 * first time a job window is applied (discovery_applied), so a replay or revisit of a window adds the
 * names and values it finds anew (late data) without counting the same records twice.
 */
import { iso } from '../db/sql-file.js';
import { sqlFolder } from '../db/sql-file.js';
import type { Queryable } from '../db/types.js';
import type { DiscoveryOutput, NameEntry } from './collector.js';

const sql = sqlFolder(new URL('./sql/', import.meta.url));
/** Rows per statement: keeps each statement's parameter arrays moderate on both drivers. */
const CHUNK = 20_000;

export interface DiscoveryWritten {
  discovery_name: number;
  discovery_key: number;
  discovery_value: number;
  discovery_set: number;
}

async function chunked<T>(
  tx: Queryable,
  file: string,
  head: readonly unknown[],
  first: boolean,
  rows: readonly T[],
  cols: readonly ((r: T) => unknown)[],
  firstAt: number,
): Promise<number> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const arrays = cols.map((c) => part.map(c));
    // `first` sits at $8 in every statement: after the first `firstAt` arrays.
    const params = [...head, ...arrays.slice(0, firstAt), first, ...arrays.slice(firstAt)];
    await tx.query(sql(file), params as never);
  }
  return rows.length;
}

export async function writeDiscovery(
  tx: Queryable,
  tenantId: number,
  window: { from: number },
  out: DiscoveryOutput,
): Promise<DiscoveryWritten> {
  const applied = await tx.query(sql('applied.sql'), [tenantId, out.signal, iso(window.from)]);
  const first = applied.rowCount > 0;
  const head = [tenantId, out.signal];
  const names = [...out.names];
  const keys: {
    e: (typeof names)[number];
    k: string;
    v: { first: number; last: number; count: number; valuesOverflow: number };
  }[] = [];
  const values: {
    e: (typeof names)[number];
    k: string;
    v: string;
    s: { first: number; last: number; count: number };
  }[] = [];
  const sets: { e: (typeof names)[number]; a: string; s: { first: number; last: number; count: number } }[] = [];
  for (const e of names) {
    for (const [k, ke] of e.keys) {
      keys.push({ e, k, v: ke });
      for (const [v, s] of ke.values) values.push({ e, k, v, s });
    }
    for (const se of e.sets.values()) sets.push({ e, a: JSON.stringify(se.attrs), s: se });
  }
  // One order for every transaction: two windows of a job in one debounce window upsert the same
  // rows, and taking their row locks in the same order is what keeps them from deadlocking.
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const byName = (a: NameEntry, b: NameEntry) =>
    a.windowStart - b.windowStart || cmp(a.namespace, b.namespace) || cmp(a.name, b.name);
  names.sort(byName);
  keys.sort((a, b) => byName(a.e, b.e) || cmp(a.k, b.k));
  values.sort((a, b) => byName(a.e, b.e) || cmp(a.k, b.k) || cmp(a.v, b.v));
  sets.sort((a, b) => byName(a.e, b.e) || cmp(a.a, b.a));
  const w = (ms: number) => iso(ms);
  return {
    discovery_name: await chunked(
      tx,
      'upsert-names.sql',
      head,
      first,
      names,
      [
        (e) => w(e.windowStart),
        (e) => e.namespace,
        (e) => e.name,
        (e) => w(e.first),
        (e) => w(e.last),
        (e) => e.count,
        (e) => e.keysOverflow,
        (e) => e.setsOverflow,
      ],
      5,
    ),
    discovery_key: await chunked(
      tx,
      'upsert-keys.sql',
      head,
      first,
      keys,
      [
        (r) => w(r.e.windowStart),
        (r) => r.e.namespace,
        (r) => r.e.name,
        (r) => r.k,
        (r) => w(r.v.first),
        (r) => w(r.v.last),
        (r) => r.v.count,
        (r) => r.v.valuesOverflow,
      ],
      5,
    ),
    discovery_value: await chunked(
      tx,
      'upsert-values.sql',
      head,
      first,
      values,
      [
        (r) => w(r.e.windowStart),
        (r) => r.e.namespace,
        (r) => r.e.name,
        (r) => r.k,
        (r) => r.v,
        (r) => w(r.s.first),
        (r) => w(r.s.last),
        (r) => r.s.count,
      ],
      5,
    ),
    discovery_set: await chunked(
      tx,
      'upsert-sets.sql',
      head,
      first,
      sets,
      [
        (r) => w(r.e.windowStart),
        (r) => r.e.namespace,
        (r) => r.e.name,
        (r) => r.a,
        (r) => w(r.s.first),
        (r) => w(r.s.last),
        (r) => r.s.count,
      ],
      5,
    ),
  };
}
