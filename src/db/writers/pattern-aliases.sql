-- Renames of log patterns ($2[i] → $3[i], flattened: no $3 is also a $2), as three statements run
-- in order (patterns.ts splits them at the blank lines). 1: aliases that pointed at a renamed name
-- follow it.
UPDATE log_pattern_alias a SET canonical = m.new_fp
  FROM unnest($2::text[], $3::text[]) AS m(old_fp, new_fp)
 WHERE a.tenant_id = $1 AND a.canonical = m.old_fp;

-- 2: a name that is canonical now (a merge elsewhere made it one again) is no alias, so chains stay flat.
DELETE FROM log_pattern_alias a
 USING unnest($2::text[], $3::text[]) AS m(old_fp, new_fp)
 WHERE a.tenant_id = $1 AND a.fingerprint = m.new_fp;

-- 3: each renamed name becomes an alias.
INSERT INTO log_pattern_alias (tenant_id, fingerprint, canonical)
SELECT $1, m.old_fp, m.new_fp FROM unnest($2::text[], $3::text[]) AS m(old_fp, new_fp)
ON CONFLICT (tenant_id, fingerprint) DO UPDATE SET canonical = EXCLUDED.canonical, created_at = now();
