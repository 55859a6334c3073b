/** A configured tenant as the pipeline sees it (validated config + its database id). */
export interface Tenant {
  /** dim_tenant.tenant_id once the tenant has been upserted; 0 before. */
  id: number;
  code: string;
  name: string;
}
