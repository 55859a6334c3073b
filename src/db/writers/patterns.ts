import { readFileSync } from 'node:fs';
import type { PatternRow } from '../../patterns/dictionary.js';
import type { Rename } from '../../patterns/drain.js';
import type { Queryable } from '../types.js';

/** The alias statements, in order (the file separates them by blank lines). */
const UPSERT_ALIASES = readFileSync(new URL('./pattern-aliases.sql', import.meta.url), 'utf8')
  .split(/\n\s*\n/)
  .filter((stmt) => /\b(UPDATE|DELETE|INSERT)\b/.test(stmt));

const SEVERITY_RANK =
  "CASE $S WHEN 'TRACE' THEN 0 WHEN 'DEBUG' THEN 1 WHEN 'INFO' THEN 2 WHEN 'WARN' THEN 3 WHEN 'ERROR' THEN 4 WHEN 'FATAL' THEN 5 ELSE -1 END";
const rank = (col: string) => SEVERITY_RANK.replace('$S', col);

/**
 * Upserts dictionary changes into log_pattern. Merging keeps it right when several processes (or a
 * re-run of an older window) write the same pattern: first_seen = least, last_seen = greatest,
 * severity = the most severe, pattern = the newer template (templates only generalize; with
 * fingerprints that follow the template it is the same text), sample = the earliest line's.
 */
const UPSERT = `
INSERT INTO log_pattern (tenant_id, fingerprint, pattern, sample_message, severity, attrs_schema, first_seen, last_seen)
SELECT $1, u.fp, u.pattern, u.sample, u.severity, u.attrs::jsonb, u.first_seen, u.last_seen
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
       AS u(fp, pattern, sample, severity, attrs, first_seen, last_seen)
ON CONFLICT (tenant_id, fingerprint) DO UPDATE SET
  pattern      = EXCLUDED.pattern,
  sample_message = CASE WHEN EXCLUDED.first_seen < log_pattern.first_seen
                          OR (EXCLUDED.first_seen = log_pattern.first_seen AND EXCLUDED.sample_message < log_pattern.sample_message)
                        THEN EXCLUDED.sample_message ELSE log_pattern.sample_message END,
  first_seen   = least(log_pattern.first_seen, EXCLUDED.first_seen),
  last_seen    = greatest(log_pattern.last_seen, EXCLUDED.last_seen),
  severity     = CASE WHEN ${rank('EXCLUDED.severity')} > ${rank('log_pattern.severity')} THEN EXCLUDED.severity ELSE log_pattern.severity END,
  attrs_schema = coalesce(log_pattern.attrs_schema, '{}'::jsonb) || EXCLUDED.attrs_schema,
  updated_at   = now()
RETURNING fingerprint_id, fingerprint`;

export async function upsertPatterns(
  tx: Queryable,
  tenantId: number,
  rows: readonly PatternRow[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (rows.length === 0) return out;
  const iso = (ms: number) => new Date(ms).toISOString();
  const r = await tx.query<{ fingerprint_id: number; fingerprint: string }>(UPSERT, [
    tenantId,
    rows.map((p) => p.fingerprint),
    rows.map((p) => p.pattern),
    rows.map((p) => p.sampleMessage),
    rows.map((p) => p.severity),
    rows.map((p) => JSON.stringify(p.attrsSchema)),
    rows.map((p) => iso(p.firstSeen)),
    rows.map((p) => iso(p.lastSeen)),
  ]);
  for (const x of r.rows) out.set(x.fingerprint, x.fingerprint_id);
  return out;
}

export async function patternIds(
  tx: Queryable,
  tenantId: number,
  fingerprints: readonly string[],
): Promise<Map<string, number>> {
  const r = await tx.query<{ fingerprint_id: number; fingerprint: string }>(
    'SELECT fingerprint_id, fingerprint FROM log_pattern WHERE tenant_id = $1 AND fingerprint = ANY($2::text[])',
    [tenantId, fingerprints],
  );
  return new Map(r.rows.map((x) => [x.fingerprint, x.fingerprint_id]));
}

/**
 * Records pattern renames (drain.ts: a generalized template takes a new fingerprint; two patterns
 * with one template merge), in the order they happened. Rows under an old fingerprint stay and
 * resolve through log_pattern_alias (view log_pattern_resolved).
 */
export async function upsertAliases(tx: Queryable, tenantId: number, renames: readonly Rename[]): Promise<number> {
  if (renames.length === 0) return 0;
  // Flatten: a → b then b → c is a → c and b → c.
  const to = new Map<string, string>();
  for (const r of renames) {
    if (r.from === r.to) continue;
    for (const [k, v] of to) if (v === r.from) to.set(k, r.to);
    to.delete(r.to);
    to.set(r.from, r.to);
  }
  if (to.size === 0) return 0;
  const params = [tenantId, [...to.keys()], [...to.values()]];
  for (const stmt of UPSERT_ALIASES) await tx.query(stmt, params);
  return to.size;
}

/** Aliases created since `since` (epoch ms; 0 = all): old fingerprint → canonical. */
export async function loadAliases(db: Queryable, tenantId: number, since = 0): Promise<Rename[]> {
  const r = await db.query<{ fingerprint: string; canonical: string }>(
    'SELECT fingerprint, canonical FROM log_pattern_alias WHERE tenant_id = $1 AND created_at >= $2 ORDER BY created_at, fingerprint',
    [tenantId, new Date(since)],
  );
  return r.rows.map((x) => ({ from: x.fingerprint, to: x.canonical }));
}

/**
 * Rows changed since `since` (epoch ms of updated_at; 0 = all), for loading a tenant's dictionary.
 * Rows under a former name (an alias) are not patterns any more and are left out.
 */
export async function loadPatterns(
  db: Queryable,
  tenantId: number,
  since = 0,
): Promise<{ rows: PatternRow[]; newest: number }> {
  const r = await db.query<{
    fingerprint: string;
    pattern: string;
    sample_message: string | null;
    severity: string | null;
    attrs_schema: Record<string, PatternRow['attrsSchema'][string]> | null;
    first_seen: Date | null;
    last_seen: Date | null;
    updated_at: Date;
  }>(
    `SELECT fingerprint, pattern, sample_message, severity, attrs_schema, first_seen, last_seen, updated_at
       FROM log_pattern p WHERE tenant_id = $1 AND updated_at >= $2
        AND NOT EXISTS (SELECT 1 FROM log_pattern_alias a WHERE a.tenant_id = p.tenant_id AND a.fingerprint = p.fingerprint)
      ORDER BY first_seen, fingerprint`,
    [tenantId, new Date(since)],
  );
  let newest = since;
  const rows = r.rows.map((x) => {
    newest = Math.max(newest, x.updated_at.getTime());
    return {
      fingerprint: x.fingerprint,
      pattern: x.pattern,
      sampleMessage: x.sample_message ?? x.pattern,
      severity: (x.severity ?? 'INFO') as PatternRow['severity'],
      firstSeen: x.first_seen?.getTime() ?? 0,
      lastSeen: x.last_seen?.getTime() ?? 0,
      attrsSchema: x.attrs_schema ?? {},
    };
  });
  return { rows, newest };
}
