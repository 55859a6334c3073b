import type { Tenant } from '../core/tenant.js';
import type { Queryable } from './types.js';

export interface TenantInput {
  code: string;
  name?: string;
  labels?: Record<string, string>;
}

/**
 * Upserts the configured tenants by code and disables the ones no longer configured
 * (never deletes them: their data stays). Returns the configured tenants with their ids.
 */
export async function syncTenants(db: Queryable, tenants: readonly TenantInput[]): Promise<Tenant[]> {
  const out: Tenant[] = [];
  for (const t of tenants) {
    const r = await db.query<{ tenant_id: number; code: string; name: string }>(
      `INSERT INTO dim_tenant(code, name, labels, enabled) VALUES ($1, $2, $3, true)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, labels = EXCLUDED.labels, enabled = true,
         updated_at = CASE WHEN dim_tenant.enabled AND dim_tenant.name = EXCLUDED.name
                            AND dim_tenant.labels = EXCLUDED.labels THEN dim_tenant.updated_at ELSE now() END
       RETURNING tenant_id, code, name`,
      [t.code, t.name ?? t.code, JSON.stringify(t.labels ?? {})],
    );
    const row = r.rows[0]!;
    out.push({ id: row.tenant_id, code: row.code, name: row.name });
  }
  await db.query(
    `UPDATE dim_tenant SET enabled = false, updated_at = now() WHERE enabled AND NOT (code = ANY($1::text[]))`,
    [tenants.map((t) => t.code)],
  );
  return out;
}

export async function listTenants(db: Queryable): Promise<(Tenant & { enabled: boolean })[]> {
  const r = await db.query<{ tenant_id: number; code: string; name: string; enabled: boolean }>(
    'SELECT tenant_id, code, name, enabled FROM dim_tenant ORDER BY code',
  );
  return r.rows.map((x) => ({ id: x.tenant_id, code: x.code, name: x.name, enabled: x.enabled }));
}
