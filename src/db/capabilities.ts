import type { Queryable } from './types.js';

/** Contrib extensions the schema cannot work without (trigram index, exclusion constraint, uuids). */
export const REQUIRED_EXTENSIONS = ['pg_trgm', 'btree_gist', 'pgcrypto'] as const;
/** Extensions that switch a DDL variant on when the server offers them. */
export const OPTIONAL_EXTENSIONS = ['timescaledb', 'age', 'vector'] as const;
export type OptionalExtension = (typeof OPTIONAL_EXTENSIONS)[number];

export type CapabilityMode = 'auto' | 'off';

export interface CapabilityStatus {
  name: string;
  available: boolean;
  enabled: boolean;
  variant: string;
  version: string | null;
}

/** What the absence of an optional extension costs, for `doctor`. */
export const ABSENT_COST: Record<OptionalExtension, string> = {
  timescaledb: 'aggregate tables are plain tables: no compression, retention is done by the maintenance job in batches',
  age: 'the active call graph is the table graph_active_edge; k-hop and path queries use recursive CTEs (no Cypher)',
  vector: 'kb_chunk.embedding is real[]: similarity search is an exact scan instead of an HNSW index',
};

export const VARIANTS: Record<OptionalExtension, { present: string; absent: string }> = {
  timescaledb: { present: 'hypertables', absent: 'plain_tables' },
  age: { present: 'age_graph', absent: 'relational_graph' },
  vector: { present: 'vector_hnsw', absent: 'real_array' },
};

export async function availableExtensions(db: Queryable): Promise<Map<string, string>> {
  const r = await db.query<{ name: string; default_version: string | null }>(
    'SELECT name, default_version FROM pg_available_extensions',
  );
  return new Map(r.rows.map((x) => [x.name, x.default_version ?? '']));
}

export async function installedExtensions(db: Queryable): Promise<Map<string, string>> {
  const r = await db.query<{ extname: string; extversion: string }>('SELECT extname, extversion FROM pg_extension');
  return new Map(r.rows.map((x) => [x.extname, x.extversion]));
}

export async function readCapabilities(db: Queryable): Promise<CapabilityStatus[]> {
  const r = await db.query<CapabilityStatus>(
    'SELECT name, available, enabled, variant, version FROM ob_capability ORDER BY name',
  );
  return r.rows;
}

/** True when the capability row says the extension's "present" variant is in use. */
export async function isEnabled(db: Queryable, name: OptionalExtension): Promise<boolean> {
  const r = await db.query<{ enabled: boolean }>('SELECT enabled FROM ob_capability WHERE name = $1', [name]);
  return r.rows[0]?.enabled === true;
}
