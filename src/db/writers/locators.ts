import type { Dataset } from '../../core/records.js';
import type { Queryable } from '../types.js';

export interface LocatorInput {
  /** Caller's key, to map the returned id back to its aggregate rows. */
  key: string;
  dataset: Dataset;
  bucket: string;
  objectKey: string;
  tFrom: number;
  tTo: number;
  queryHint: string;
  attributes: Record<string, unknown>;
}

const UPSERT = `
WITH input AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[])
         WITH ORDINALITY AS u(dataset, bucket, object_key, t_from, t_to, hint, attrs, ord)
), ins AS (
  INSERT INTO oo_locator (tenant_id, dataset, bucket, object_key, t_from, t_to, query_hint, attributes)
  SELECT $1, dataset, bucket, object_key, t_from, t_to, hint, attrs::jsonb FROM input
  ON CONFLICT (tenant_id, dataset, bucket, object_key, t_from, t_to, hint_hash)
  DO UPDATE SET attributes = EXCLUDED.attributes
  RETURNING id, dataset, bucket, object_key, t_from, t_to, hint_hash
)
SELECT input.ord::int AS ord, ins.id
  FROM input JOIN ins ON ins.dataset = input.dataset AND ins.bucket = input.bucket AND ins.object_key = input.object_key
   AND ins.t_from = input.t_from AND ins.t_to = input.t_to AND ins.hint_hash = md5(coalesce(input.hint, ''))`;

const PRUNE = `
DELETE FROM oo_locator l
 WHERE l.tenant_id = $1 AND l.dataset = $2 AND l.t_from >= $3 AND l.t_to <= $4
   AND NOT (l.id = ANY($5::bigint[]))
   AND NOT EXISTS (SELECT 1 FROM evidence_link e WHERE e.ref_oo = l.id)`;

/**
 * Makes the tenant's locators of one dataset inside `window` exactly `locators`: existing ones are
 * reused (same id on a re-run, so sample_ref values stay stable), new ones inserted, and the ones the
 * run no longer produces deleted unless an evidence link points at them. Call it after the window's
 * summary rows were deleted and before they are inserted. Returns caller key → locator id.
 */
export async function replaceLocators(
  tx: Queryable,
  tenantId: number,
  dataset: Dataset,
  window: { from: number; to: number },
  locators: readonly LocatorInput[],
): Promise<Map<string, number>> {
  const byIdentity = new Map<string, LocatorInput[]>();
  for (const l of locators) {
    const id = `${l.bucket}\u0000${l.objectKey}\u0000${l.tFrom}\u0000${l.tTo}\u0000${l.queryHint}`;
    const list = byIdentity.get(id);
    if (list) list.push(l);
    else byIdentity.set(id, [l]);
  }
  const unique = [...byIdentity.values()];
  const out = new Map<string, number>();
  if (unique.length > 0) {
    const iso = (ms: number) => new Date(ms).toISOString();
    const r = await tx.query<{ ord: number; id: number }>(UPSERT, [
      tenantId,
      unique.map((g) => g[0]!.dataset),
      unique.map((g) => g[0]!.bucket),
      unique.map((g) => g[0]!.objectKey),
      unique.map((g) => iso(g[0]!.tFrom)),
      unique.map((g) => iso(g[0]!.tTo)),
      unique.map((g) => g[0]!.queryHint),
      unique.map((g) => JSON.stringify(g[0]!.attributes)),
    ]);
    for (const row of r.rows) for (const l of unique[row.ord - 1]!) out.set(l.key, row.id);
  }
  await tx.query(PRUNE, [tenantId, dataset, new Date(window.from), new Date(window.to), [...new Set(out.values())]]);
  return out;
}

/** Quotes a value as an OpenObserve SQL string literal. */
export function ooString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Quotes an OpenObserve stream name. */
export function ooStream(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** The OO SQL that returns the raw rows behind an aggregate: the stream, filtered by `conds`, in time order. */
export function ooQueryHint(stream: string, conds: readonly string[]): string {
  const where = conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';
  return `SELECT * FROM ${ooStream(stream)}${where} ORDER BY _timestamp`;
}
