-- Order-independent log-pattern fingerprints (src/patterns/drain.ts): a pattern's fingerprint is the
-- hash of its current template, so when a template generalizes the pattern is renamed, and when two
-- patterns reach one template they merge. log_pattern keeps the row of every name a pattern had
-- (log_pattern_5m rows written under it still reference it); log_pattern_alias says what each
-- former name resolves to now. Chains are kept flat: `canonical` is never itself an alias.
CREATE TABLE log_pattern_alias (
  tenant_id   BIGINT NOT NULL REFERENCES dim_tenant(tenant_id),
  fingerprint TEXT NOT NULL,
  canonical   TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, fingerprint)
);
CREATE INDEX idx_logpat_alias_canonical ON log_pattern_alias(tenant_id, canonical);

-- Every log_pattern row with the pattern it stands for now: join log_pattern_5m.fingerprint_id to
-- fingerprint_id and read canonical_id / canonical (the row itself when it was never renamed).
CREATE VIEW log_pattern_resolved AS
SELECT p.fingerprint_id,
       p.tenant_id,
       p.fingerprint,
       coalesce(c.fingerprint_id, p.fingerprint_id) AS canonical_id,
       coalesce(a.canonical, p.fingerprint) AS canonical
  FROM log_pattern p
  LEFT JOIN log_pattern_alias a ON a.tenant_id = p.tenant_id AND a.fingerprint = p.fingerprint
  LEFT JOIN log_pattern c ON c.tenant_id = a.tenant_id AND c.fingerprint = a.canonical;
