/**
 * Writes a job window's discovery into the debounce-window rows, inside the job's transaction (a
 * failed window leaves them as they were). Upserts: first/last seen widen, counts add — but only the
 * first time a job window is applied (discovery_applied), so a replay or revisit of a window adds the
 * names and values it finds anew (late data) without counting the same records twice; a row that a
 * re-run would not change is not updated.
 *
 * One statement per table. The window's names travel once ($4-$6) and every key, value and set
 * refers to its name by position, with times as epoch ms, each column as one JSON array: the
 * parameters of a window of 10,000 values were mostly repeated window starts, namespaces, names and
 * ISO strings, and node-postgres escaped every element of a text[] (a third of the write's CPU).
 */
import { iso, sqlFolder } from '../db/sql-file.js';
import type { Queryable, SqlParam } from '../db/types.js';
import { setHash, type AddedSets, type DiscoveryCache } from './cache.js';
import type { DiscoveryOutput, NameEntry, SetEntry } from './collector.js';

const sql = sqlFolder(new URL('./sql/', import.meta.url));
/** Keys, values or sets per statement: keeps each statement's parameter arrays moderate on both drivers. */
const CHUNK = 20_000;

export interface DiscoveryWritten {
  discovery_name: number;
  discovery_key: number;
  discovery_value: number;
  discovery_set: number;
}

export interface WriteDiscoveryOptions {
  /** What this process recorded of recent debounce windows (caps sets per debounce window). */
  cache?: DiscoveryCache;
  /** Distinct sets per name per debounce window, with `cache`. @defaultValue no cap beyond the collector's */
  maxSetsPerName?: number;
}

export interface DiscoveryWrite {
  written: DiscoveryWritten;
  /** Sets a debounce window's cap turned away (added to sets_overflow of their names). */
  setsCapped: number;
  /** Call after the transaction committed: records the window's new sets in the cache. */
  commit(): void;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Writes the window's discovery. Rows go in one order for every transaction (window start,
 * namespace, name, then key, value / set text): two windows of a job in one debounce window upsert
 * the same rows, and taking their row locks in the same order is what keeps them from deadlocking.
 */
export async function writeDiscoveryRows(
  tx: Queryable,
  tenantId: number,
  window: { from: number },
  out: DiscoveryOutput,
  opts: WriteDiscoveryOptions = {},
): Promise<DiscoveryWrite> {
  const applied = await tx.query(sql('applied.sql'), [tenantId, out.signal, iso(window.from)]);
  const first = applied.rowCount > 0;
  const names = [...out.names].sort(
    (a, b) => a.windowStart - b.windowStart || cmp(a.namespace, b.namespace) || cmp(a.name, b.name),
  );
  const cap = opts.maxSetsPerName ?? Infinity;
  const added: AddedSets[] = [];
  let setsCapped = 0;
  const n = { ws: [] as number[], ns: [] as string[], name: [] as string[] };
  const nm = { f: [] as number[], l: [] as number[], c: [] as number[], ko: [] as number[], so: [] as number[] };
  const k = { i: [] as number[], key: [] as string[], f: [] as number[], l: [] as number[], c: [] as number[] };
  const kvo: number[] = [];
  const v = { i: [] as number[], key: [] as string[], value: [] as string[], f: [] as number[], l: [] as number[] };
  const vc: number[] = [];
  const s = { i: [] as number[], attrs: [] as string[], f: [] as number[], l: [] as number[], c: [] as number[] };
  for (let idx = 0; idx < names.length; idx++) {
    const e = names[idx]!;
    const pos = idx + 1;
    const keys = [...e.keys.keys()].sort(cmp);
    for (const key of keys) {
      const ke = e.keys.get(key)!;
      k.i.push(pos);
      k.key.push(key);
      k.f.push(ke.first);
      k.l.push(ke.last);
      k.c.push(ke.count);
      kvo.push(ke.valuesOverflow);
      const values = [...ke.values.keys()].sort(cmp);
      for (const value of values) {
        const se = ke.values.get(value)!;
        v.i.push(pos);
        v.key.push(key);
        v.value.push(value);
        v.f.push(se.first);
        v.l.push(se.last);
        vc.push(se.count);
      }
    }
    const kept = capSets(e, opts.cache?.sets(tenantId, out.signal, e.windowStart, e.namespace, e.name)?.known, cap);
    setsCapped += kept.capped;
    if (kept.added.length > 0)
      added.push({ windowStart: e.windowStart, namespace: e.namespace, name: e.name, hashes: kept.added });
    kept.sets.sort((a, b) => cmp(a.text, b.text));
    for (const x of kept.sets) {
      s.i.push(pos);
      s.attrs.push(x.text);
      s.f.push(x.se.first);
      s.l.push(x.se.last);
      s.c.push(x.se.count);
    }
    n.ws.push(e.windowStart);
    n.ns.push(e.namespace);
    n.name.push(e.name);
    nm.f.push(e.first);
    nm.l.push(e.last);
    nm.c.push(e.count);
    nm.ko.push(e.keysOverflow);
    nm.so.push(e.setsOverflow + kept.cappedRecords);
  }
  const head: SqlParam[] = [tenantId, out.signal, first, n.ws, n.ns, n.name];
  if (names.length > 0) await tx.query(sql('upsert-names.sql'), [...head, nm.f, nm.l, nm.c, nm.ko, nm.so]);
  await chunks(tx, 'upsert-keys.sql', head, [k.i, k.key, k.f, k.l, k.c, kvo]);
  await chunks(tx, 'upsert-values.sql', head, [v.i, v.key, v.value, v.f, v.l, vc]);
  await chunks(tx, 'upsert-sets.sql', head, [s.i, s.attrs, s.f, s.l, s.c]);
  return {
    written: {
      discovery_name: names.length,
      discovery_key: k.i.length,
      discovery_value: v.i.length,
      discovery_set: s.i.length,
    },
    setsCapped,
    commit: () => opts.cache?.commit(tenantId, out.signal, added),
  };
}

/** One statement per CHUNK rows; each column goes as one JSON array (see upsert-values.sql). */
async function chunks(
  tx: Queryable,
  file: string,
  head: readonly SqlParam[],
  cols: readonly (readonly (string | number)[])[],
): Promise<void> {
  const n = cols[0]!.length;
  for (let i = 0; i < n; i += CHUNK)
    await tx.query(sql(file), [...head, ...cols.map((c) => JSON.stringify(n <= CHUNK ? c : c.slice(i, i + CHUNK)))]);
}

/** writeDiscoveryRows without a cache (each job window capped on its own), for callers that keep none. */
export async function writeDiscovery(
  tx: Queryable,
  tenantId: number,
  window: { from: number },
  out: DiscoveryOutput,
): Promise<DiscoveryWritten> {
  return (await writeDiscoveryRows(tx, tenantId, window, out)).written;
}

/**
 * The name's sets within its debounce window's cap: those already recorded (their counts add) and,
 * in the order the window met them, new ones while the cap has room. `known` undefined: not followed.
 */
function capSets(
  e: NameEntry,
  known: ReadonlySet<number> | undefined,
  cap: number,
): { sets: { text: string; se: SetEntry }[]; added: number[]; capped: number; cappedRecords: number } {
  const sets: { text: string; se: SetEntry }[] = [];
  const added: number[] = [];
  let capped = 0;
  let cappedRecords = 0;
  for (const se of e.sets.values()) {
    const text = JSON.stringify(se.attrs);
    if (known === undefined) {
      sets.push({ text, se });
      continue;
    }
    const h = setHash(text);
    if (known.has(h)) sets.push({ text, se });
    else if (known.size + added.length < cap) {
      sets.push({ text, se });
      added.push(h);
    } else {
      capped++;
      cappedRecords += se.count; // sets_overflow counts records, as the collector's cap does
    }
  }
  return { sets, added, capped, cappedRecords };
}
