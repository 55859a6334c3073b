-- Discovery reads over 30 days of 1-hour windows (bench discovery, target p95 < 100 ms):
--  * namespaces and carriers read tens of thousands of window rows: covering indexes let them be
--    index-only scans instead of a heap fetch per row (namespaces 207 → 57 ms, 30 days, 3 tenants);
--  * co-occurring keys: the GIN index over all tenants and windows found 41,760 sets of which 336
--    were the tenant's last day; ANDed with a (tenant, window) bitmap only those are read (162 → 37 ms).
DROP INDEX IF EXISTS idx_discname_t;
CREATE INDEX idx_discname_t ON discovery_name(tenant_id, window_start)
  INCLUDE (signal, namespace, name, first_seen, last_seen, count);
DROP INDEX IF EXISTS idx_discval_kv;
CREATE INDEX idx_discval_kv ON discovery_value(tenant_id, key, value, window_start)
  INCLUDE (signal, namespace, name, first_seen, last_seen, count);
CREATE INDEX idx_discset_t ON discovery_set(tenant_id, window_start);
