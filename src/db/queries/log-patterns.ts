import type { Db } from '../types.js';
import { iso, num, readSql, toIso } from './sql-file.js';

export interface PatternMatch {
  fingerprint: string;
  pattern: string;
  severity: string | null;
  sample_message: string | null;
  first_seen: string | null;
  last_seen: string | null;
  /** pg_trgm word_similarity of the text to the template, 0..1. */
  similarity: number;
  count_total: number;
  count_error: number;
}

/** `%`, `_` and `\` taken literally in an ILIKE pattern. */
function likeSubstring(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Log templates of a tenant that look like `text` (trigram word similarity ≥ threshold, or the
 * text as a substring), most similar first, with their counts over [from, to); only those seen on
 * `urn` in the span when given.
 */
export async function searchLogPatterns(
  db: Db,
  q: {
    tenantId: number;
    text: string;
    urn?: string | null;
    from: number;
    to: number;
    limit: number;
    threshold?: number;
  },
): Promise<PatternMatch[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(q.threshold ?? 0.3)]);
    const r = await tx.query<{
      fingerprint: string;
      pattern: string;
      severity: string | null;
      sample_message: string | null;
      first_seen: Date | null;
      last_seen: Date | null;
      similarity: number;
      count_total: unknown;
      count_error: unknown;
    }>(readSql('log-patterns-search'), [
      q.tenantId,
      q.text,
      q.urn ?? null,
      iso(q.from),
      iso(q.to),
      q.limit,
      likeSubstring(q.text),
    ]);
    return r.rows.map((x) => ({
      ...x,
      first_seen: toIso(x.first_seen),
      last_seen: toIso(x.last_seen),
      similarity: Math.round(Number(x.similarity) * 1000) / 1000,
      count_total: num(x.count_total),
      count_error: num(x.count_error),
    }));
  });
}
