import type { OptionalExtension } from './capabilities.js';
import type { Queryable } from './types.js';

/*
 * An extension lives once per database, in the schema it was created in (pg_extension.extnamespace),
 * while ObserveBridge's tables live in whichever schema the connection's search_path names first
 * (tests use one schema each). So every function, type, operator and operator class of an optional
 * extension is called through its own schema, never found through the search_path: a TimescaleDB
 * in `public` under an ObserveBridge schema `ob` (or the reverse) must work, and so must a
 * search_path that does not name the extension's schema at all.
 */

/**
 * Where we create an optional extension that is not installed yet. Not the schema being migrated:
 * the first ObserveBridge schema of a database would own the extension, and dropping it (as every
 * test does with its own schema) would drop the extension for everyone. Apache AGE fixes its own
 * schema (`ag_catalog`), so it is created without one.
 */
export const EXTENSION_HOME_SCHEMA = 'public';

/** The schema an installed extension lives in, or null when it is not installed in this database. */
export async function extensionSchema(db: Queryable, extension: string): Promise<string | null> {
  const r = await db.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_catalog.pg_extension e
       JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1`,
    [extension],
  );
  return r.rows[0]?.schema ?? null;
}

/**
 * An installed extension's schema, resolved once, with the spellings SQL needs. The schema comes
 * from the catalog and is always quoted where it is spliced.
 */
export interface ExtensionRef {
  extension: string;
  schema: string;
  /** `"public"` */
  readonly ident: string;
  /** `"public".create_hypertable`, `"public".vector`, `"public".vector_l2_ops`. */
  qualify(name: string): string;
  /** `OPERATOR("public".<->)`: an operator of the extension, whatever the search_path. */
  op(symbol: string): string;
}

/**
 * A catalog name as an SQL identifier. Not copy-format's quoteIdent, which only admits our own
 * lower-case names: a user's extension schema may be called anything ("Extensions", "ext-1").
 */
function quoteCatalogName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function extensionRef(extension: string, schema: string): ExtensionRef {
  const ident = quoteCatalogName(schema);
  return {
    extension,
    schema,
    ident,
    qualify: (name) => `${ident}.${name}`,
    op: (symbol) => {
      if (!/^[+\-*/<>=~!@#%^&|`?]+$/.test(symbol)) throw new Error(`not an operator: ${symbol}`);
      return `OPERATOR(${ident}.${symbol})`;
    },
  };
}

/** extensionRef of an installed extension; throws (naming it) when the database does not have it. */
export async function requireExtension(db: Queryable, extension: string): Promise<ExtensionRef> {
  const schema = await extensionSchema(db, extension);
  if (schema === null) throw new Error(`database: extension '${extension}' is not installed in this database`);
  return extensionRef(extension, schema);
}

/**
 * An SQL text with `{{ext:NAME}}` replaced by the quoted schema of extension NAME, e.g.
 * `SELECT {{ext:timescaledb}}.create_hypertable(...)` or `embedding {{ext:vector}}.vector(1536)`.
 * A placeholder naming an extension not in `refs` is an error, not a silent unqualified name.
 */
export function renderExtensionSql(sql: string, refs: readonly ExtensionRef[]): string {
  return sql.replace(/\{\{ext:([a-z_][a-z0-9_]*)\}\}/g, (_m, name: string) => {
    const ref = refs.find((r) => r.extension === name);
    if (!ref) throw new Error(`SQL names extension '${name}' but it is not resolved here`);
    return ref.ident;
  });
}

/**
 * An SQL text with every `{{ext:NAME}}` it holds resolved from the catalog. The numbered migrations
 * use it for the required contrib extensions' operator classes (`{{ext:pg_trgm}}.gin_trgm_ops`): an
 * operator class named in CREATE INDEX is looked up through the search_path, which need not name the
 * schema pg_trgm was installed in.
 */
export async function renderExtensionPlaceholders(db: Queryable, sql: string): Promise<string> {
  const names = [...new Set([...sql.matchAll(/\{\{ext:([a-z_][a-z0-9_]*)\}\}/g)].map((m) => m[1]!))];
  if (names.length === 0) return sql;
  const refs: ExtensionRef[] = [];
  for (const name of names) refs.push(await requireExtension(db, name));
  return renderExtensionSql(sql, refs);
}

/** The optional extension's SQL file text for a capability variant, with its schema spliced in. */
export async function renderForExtension(db: Queryable, extension: OptionalExtension, sql: string): Promise<string> {
  if (!sql.includes('{{ext:')) return sql;
  return renderExtensionSql(sql, [await requireExtension(db, extension)]);
}
