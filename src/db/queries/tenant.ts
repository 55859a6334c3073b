import type { Queryable } from '../types.js';
import { num, readSql } from './sql-file.js';

export interface TenantRow {
  id: number;
  code: string;
  name: string;
  enabled: boolean;
}

/** Finds a tenant by its code or its numeric id; null when there is none. */
export async function findTenant(db: Queryable, ref: { code: string } | { id: number }): Promise<TenantRow | null> {
  const r = await db.query<{ tenant_id: unknown; code: string; name: string; enabled: boolean }>(readSql('tenant'), [
    'code' in ref ? ref.code : null,
    'id' in ref ? ref.id : null,
  ]);
  const row = r.rows[0];
  return row ? { id: num(row.tenant_id), code: row.code, name: row.name, enabled: row.enabled } : null;
}
