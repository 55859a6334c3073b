-- Discovery rows without a per-row foreign-key check on the tenant. Every discovery write inserts
-- its job window into discovery_applied first, in the same transaction, and that table keeps its
-- key to dim_tenant: the tenant is checked once per job window instead of once per name, key, value
-- and set row. The per-row check was a third of the cost of inserting a window's values (70,000
-- value rows: 2.47 s with it, 1.64 s without, server under load 12), and each took a KEY SHARE lock
-- on the one dim_tenant row that every summary job of the tenant locks too.
ALTER TABLE discovery_name DROP CONSTRAINT discovery_name_tenant_id_fkey;
ALTER TABLE discovery_key DROP CONSTRAINT discovery_key_tenant_id_fkey;
ALTER TABLE discovery_value DROP CONSTRAINT discovery_value_tenant_id_fkey;
ALTER TABLE discovery_set DROP CONSTRAINT discovery_set_tenant_id_fkey;
