/**
 * The discovery reads, mirroring the seed's metadata-store API (API and CLI share them):
 * namespaces per signal; names in a time range; keys and values of a name; which names carry a
 * key=value; the other keys that occur together with a key=value. Every row aggregates the debounce
 * windows that overlap [from, to): first_seen / last_seen / count over them.
 */
import { iso, num, toIso } from '../db/queries/sql-file.js';
import { sqlFolder } from '../db/sql-file.js';
import type { Queryable } from '../db/types.js';
import type { Signal } from './collector.js';

const sql = sqlFolder(new URL('./sql/', import.meta.url));

export const SIGNALS = ['metric', 'log', 'span'] as const satisfies readonly Signal[];

export interface Range {
  tenantId: number;
  from: number;
  to: number;
}

export interface SeenRow {
  first_seen: string;
  last_seen: string;
  count: number;
}

type Row = Record<string, unknown>;
const seenOf = (r: Row): SeenRow => ({
  first_seen: toIso(r.first_seen as Date)!,
  last_seen: toIso(r.last_seen as Date)!,
  count: num(r.count),
});

export async function discoverNamespaces(
  db: Queryable,
  q: Range & { signal: Signal | null; limit: number },
): Promise<({ signal: Signal; namespace: string; names: number } & SeenRow)[]> {
  const r = await db.query<Row>(sql('namespaces.sql'), [q.tenantId, q.signal, iso(q.from), iso(q.to), q.limit]);
  return r.rows.map((x) => ({
    signal: x.signal as Signal,
    namespace: String(x.namespace),
    names: num(x.names),
    ...seenOf(x),
  }));
}

export async function discoverNames(
  db: Queryable,
  q: Range & { signal: Signal | null; namespace: string | null; limit: number },
): Promise<
  ({ signal: Signal; namespace: string; name: string; keys_overflow: number; sets_overflow: number } & SeenRow)[]
> {
  const r = await db.query<Row>(sql('names.sql'), [q.tenantId, q.signal, q.namespace, iso(q.from), iso(q.to), q.limit]);
  return r.rows.map((x) => ({
    signal: x.signal as Signal,
    namespace: String(x.namespace),
    name: String(x.name),
    ...seenOf(x),
    keys_overflow: num(x.keys_overflow),
    sets_overflow: num(x.sets_overflow),
  }));
}

export interface KeyView extends SeenRow {
  key: string;
  /** Distinct values stored in the range, and values the per-key cap turned away. */
  distinct_values: number;
  values_overflow: number;
  values: ({ value: string } & SeenRow)[];
}

/** Keys of one name with their most frequent values (`values` per key; `key` narrows to one key). */
export async function discoverKeys(
  db: Queryable,
  q: Range & { signal: Signal; namespace: string; name: string; key: string | null; values: number },
): Promise<KeyView[]> {
  const args = [q.tenantId, q.signal, q.namespace, q.name, iso(q.from), iso(q.to)];
  const [keys, values] = await Promise.all([
    db.query<Row>(sql('keys.sql'), args),
    db.query<Row>(sql('values.sql'), [...args, q.key, q.values]),
  ]);
  const byKey = new Map<string, KeyView>();
  for (const k of keys.rows) {
    const key = String(k.key);
    if (q.key !== null && key !== q.key) continue;
    byKey.set(key, { key, ...seenOf(k), distinct_values: 0, values_overflow: num(k.values_overflow), values: [] });
  }
  for (const v of values.rows) {
    const kv = byKey.get(String(v.key));
    if (!kv) continue;
    kv.distinct_values = num(v.distinct_values);
    kv.values.push({ value: String(v.value), ...seenOf(v) });
  }
  return [...byKey.values()];
}

export async function discoverCarriers(
  db: Queryable,
  q: Range & { key: string; value: string; signal: Signal | null; limit: number },
): Promise<({ signal: Signal; namespace: string; name: string } & SeenRow)[]> {
  const r = await db.query<Row>(sql('carriers.sql'), [
    q.tenantId,
    q.key,
    q.value,
    q.signal,
    iso(q.from),
    iso(q.to),
    q.limit,
  ]);
  return r.rows.map((x) => ({
    signal: x.signal as Signal,
    namespace: String(x.namespace),
    name: String(x.name),
    ...seenOf(x),
  }));
}

export interface Cooccurring {
  /** The other keys of the records carrying key=value, each with its values (most frequent first). */
  keys: { key: string; values: { value: string; sets: number; count: number }[] }[];
  /**
   * Attribute sets the per-name cap turned away in names carrying key=value: when > 0 the answer
   * is partial (a set beyond the cap is not stored).
   */
  sets_overflow: number;
}

export async function discoverCooccurring(
  db: Queryable,
  q: Range & {
    key: string;
    value: string;
    signal: Signal | null;
    namespace: string | null;
    name: string | null;
    limit: number;
  },
): Promise<Cooccurring> {
  const [r, o] = await Promise.all([
    db.query<Row>(sql('cooccurring.sql'), [
      q.tenantId,
      JSON.stringify({ [q.key]: q.value }),
      q.signal,
      q.namespace,
      q.name,
      iso(q.from),
      iso(q.to),
      q.key,
      q.limit,
    ]),
    db.query<Row>(sql('sets-overflow.sql'), [q.tenantId, q.signal, iso(q.from), iso(q.to), q.key, q.value]),
  ]);
  const keys = new Map<string, Cooccurring['keys'][number]>();
  for (const x of r.rows) {
    const k = String(x.key);
    let e = keys.get(k);
    if (!e) keys.set(k, (e = { key: k, values: [] }));
    e.values.push({ value: String(x.value), sets: num(x.sets), count: num(x.count) });
  }
  return { keys: [...keys.values()], sets_overflow: num(o.rows[0]?.overflow ?? 0) };
}
