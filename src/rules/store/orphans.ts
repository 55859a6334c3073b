/**
 * Events of a rule that left the config would otherwise stay open for ever (nothing evaluates their
 * key again). Each rules window resolves them, with `labels.resolved_reason = 'rule removed'`: the
 * rules that stay are those that apply to the tenant plus those held back by a config problem (a
 * broken rule keeps its events open until it is fixed or removed).
 */
import { iso, sqlFolder } from '../../db/sql-file.js';
import type { Queryable } from '../../db/types.js';

const sql = sqlFolder(new URL('./', import.meta.url));

export const RULE_REMOVED = 'rule removed';

/** Resolves the tenant's open rule events whose rule is not in `keep`; returns the count per rule. */
export async function resolveRemovedRules(
  tx: Queryable,
  tenantId: number,
  window: { from: number; to: number },
  keep: readonly string[],
): Promise<Record<string, number>> {
  const r = await tx.query<{ rule_id: string }>(sql('orphans-resolve.sql'), [
    tenantId,
    iso(window.from),
    iso(window.to),
    [...keep],
  ]);
  const out: Record<string, number> = {};
  for (const row of r.rows) out[row.rule_id] = (out[row.rule_id] ?? 0) + 1;
  return out;
}
