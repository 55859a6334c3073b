import { findTenant, type TenantRow } from '../db/queries/tenant.js';
import type { Queryable } from '../db/types.js';
import { notFound } from './errors.js';

/** The tenant a read names, or 404. Disabled tenants stay readable: their data is kept. */
export async function requireTenant(db: Queryable, code: string): Promise<TenantRow> {
  const t = await findTenant(db, { code });
  if (!t) throw notFound('unknown_tenant', `tenant: no tenant with this code`);
  return t;
}
