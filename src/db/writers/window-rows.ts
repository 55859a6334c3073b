import { quoteIdent } from '../copy-format.js';
import type { Queryable } from '../types.js';

/**
 * Replaces one tenant's rows of a window in a bucketed table: delete [from, to), then bulk-insert.
 * A job window equals the bucket of every row it writes, so this is exactly idempotent.
 */
export async function replaceWindowRows(
  tx: Queryable,
  table: 'metric_1m' | 'service_call_5m' | 'log_pattern_5m' | 'log_pattern_trace_5m' | 'service_call_trace_5m',
  tenantId: number,
  window: { from: number; to: number },
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<{ deleted: number; inserted: number }> {
  const del = await tx.query(`DELETE FROM ${quoteIdent(table)} WHERE tenant_id = $1 AND bucket >= $2 AND bucket < $3`, [
    tenantId,
    new Date(window.from),
    new Date(window.to),
  ]);
  const inserted = rows.length > 0 ? await tx.copyRows(table, columns, rows) : 0;
  return { deleted: del.rowCount, inserted };
}
