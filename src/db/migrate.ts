import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { ObserveBridgeError } from '../core/errors.js';
import {
  OPTIONAL_EXTENSIONS,
  REQUIRED_EXTENSIONS,
  VARIANTS,
  availableExtensions,
  installedExtensions,
  type CapabilityMode,
  type OptionalExtension,
} from './capabilities.js';
import { EXTENSION_HOME_SCHEMA, renderExtensionPlaceholders, renderForExtension } from './extension-schema.js';
import type { Db, Queryable } from './types.js';

/** Serializes migrators across processes (and test schemas) of one database. */
const MIGRATION_LOCK = 727_274_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrateResult {
  applied: string[];
  capabilities: { name: string; enabled: boolean; variant: string }[];
}

export class MissingExtensionError extends ObserveBridgeError {
  constructor(readonly extension: string) {
    super(
      'missing_extension',
      `database: required extension '${extension}' is not available on this server. ` +
        `Install PostgreSQL's contrib modules (Debian/Ubuntu: they ship in the postgresql-<version> package; ` +
        `RHEL/Fedora: postgresql<version>-contrib), then run 'observebridge migrate' again.`,
    );
  }
}

export function loadMigrations(dir = join(packageRoot(), 'sql', 'migrations')): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: m[2]!, sql: readFileSync(join(dir, file), 'utf8') });
  }
  return out;
}

function capabilitySql(file: string): string {
  return readFileSync(join(packageRoot(), 'sql', 'capabilities', file), 'utf8');
}

export interface MigrateOptions {
  /** Per optional extension: `auto` uses it when offered, `off` never does. Default auto. */
  capabilities?: Partial<Record<OptionalExtension, CapabilityMode>>;
}

/**
 * Brings the schema up to date: required extensions, numbered migrations (each in its own
 * transaction, recorded in ob_schema_migration), then the capability variants. Running it again
 * is a no-op.
 */
export async function migrate(db: Db, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const applied: string[] = [];
  const available = await availableExtensions(db);
  for (const ext of REQUIRED_EXTENSIONS) if (!available.has(ext)) throw new MissingExtensionError(ext);

  await db.transaction(async (tx) => {
    await lock(tx, db);
    const installed = await installedExtensions(tx);
    for (const ext of REQUIRED_EXTENSIONS) {
      // WITH SCHEMA public: one copy per database, visible from every schema on the search_path.
      if (!installed.has(ext))
        await tx.exec(`CREATE EXTENSION IF NOT EXISTS ${ext} WITH SCHEMA ${EXTENSION_HOME_SCHEMA}`);
    }
    await tx.exec(`CREATE TABLE IF NOT EXISTS ob_schema_migration (
      version INT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  });

  const migrations = loadMigrations();
  const newest = migrations.at(-1)?.version ?? 0;
  const dbNewest = (await db.query<{ v: number | null }>('SELECT max(version) AS v FROM ob_schema_migration')).rows[0]
    ?.v;
  if (dbNewest != null && dbNewest > newest)
    throw new ObserveBridgeError(
      'schema_ahead',
      `database: schema version ${dbNewest} is newer than this ObserveBridge (${newest}); upgrade ObserveBridge`,
    );

  for (const m of migrations) {
    await db.transaction(async (tx) => {
      await lock(tx, db);
      // Insert the row first: a concurrent migrator that got here too finds it and skips.
      const r = await tx.query(
        'INSERT INTO ob_schema_migration(version, name) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [m.version, m.name],
      );
      if (r.rowCount === 0) return;
      // {{ext:pg_trgm}}: the schema the extension lives in. Editing an applied migration this way is
      // safe: ob_schema_migration records version and name only, and an applied one never runs again.
      await tx.exec(await renderExtensionPlaceholders(tx, m.sql));
      applied.push(`${String(m.version).padStart(3, '0')}_${m.name}`);
    });
  }

  const capabilities = await applyCapabilities(db, available, opts.capabilities ?? {});
  return { applied, capabilities };
}

async function lock(tx: Queryable, db: Db): Promise<void> {
  if (db.flags.multipleConnections) await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
}

async function applyCapabilities(
  db: Db,
  available: Map<string, string>,
  modes: Partial<Record<OptionalExtension, CapabilityMode>>,
): Promise<MigrateResult['capabilities']> {
  const out: MigrateResult['capabilities'] = [];
  for (const name of OPTIONAL_EXTENSIONS) {
    const offered = available.has(name);
    const want = offered && (modes[name] ?? 'auto') !== 'off';
    const variant = want ? VARIANTS[name].present : VARIANTS[name].absent;
    await db.transaction(async (tx) => {
      await lock(tx, db);
      const cur = await tx.query<{ variant: string }>('SELECT variant FROM ob_capability WHERE name = $1', [name]);
      const curVariant = cur.rows[0]?.variant;
      // The relational graph tables exist in both variants and their DDL is idempotent: re-applying it
      // lets a database migrated by an older version gain tables added since (graph_struct_edge).
      if (name === 'age' && curVariant !== undefined) await tx.exec(capabilitySql('graph_relational.sql'));
      if (curVariant === variant) return;
      if (curVariant === VARIANTS[name].present && !want) {
        // Never silently drop a present variant (its data lives in it); keep using it.
        return;
      }
      let version: string | null = null;
      if (want) {
        await tx.exec(createExtensionSql(name));
        version = (await installedExtensions(tx)).get(name) ?? null;
      }
      for (const file of capabilityFiles(name, want)) {
        // Append ag_catalog: prepending it would create our tables in ag_catalog.
        if (name === 'age' && want)
          await tx.exec(
            `LOAD 'age'; SELECT set_config('search_path', current_setting('search_path') || ', ag_catalog', true)`,
          );
        // {{ext:NAME}} becomes the schema the extension lives in, wherever an earlier migration of
        // another schema (or the user) created it.
        await tx.exec(want ? await renderForExtension(tx, name, capabilitySql(file)) : capabilitySql(file));
      }
      await tx.query(
        `INSERT INTO ob_capability(name, available, enabled, variant, version, detected_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (name) DO UPDATE SET available = EXCLUDED.available, enabled = EXCLUDED.enabled,
           variant = EXCLUDED.variant, version = EXCLUDED.version, detected_at = now()`,
        [name, offered, want, variant, version],
      );
    });
    const row = await db.query<{ enabled: boolean; variant: string }>(
      'SELECT enabled, variant FROM ob_capability WHERE name = $1',
      [name],
    );
    out.push({ name, enabled: row.rows[0]?.enabled ?? false, variant: row.rows[0]?.variant ?? variant });
  }
  return out;
}

/**
 * CREATE EXTENSION of an optional extension, when it is not in the database yet. An extension exists
 * once per database, so it must not land in the schema being migrated (the default, the first on
 * the search_path): that schema would own it, and `DROP SCHEMA ... CASCADE` of it (a test's cleanup,
 * a user removing one ObserveBridge install) would drop the extension and every other schema's
 * hypertables and vector columns with it. It goes to EXTENSION_HOME_SCHEMA, like the required ones;
 * AGE always lives in its own ag_catalog. An extension already installed elsewhere stays where it is
 * (IF NOT EXISTS) and is found there through pg_extension.extnamespace.
 */
function createExtensionSql(name: OptionalExtension): string {
  return name === 'age'
    ? 'CREATE EXTENSION IF NOT EXISTS age'
    : `CREATE EXTENSION IF NOT EXISTS ${name} WITH SCHEMA ${EXTENSION_HOME_SCHEMA}`;
}

function capabilityFiles(name: OptionalExtension, present: boolean): string[] {
  switch (name) {
    case 'timescaledb':
      return present ? ['timescaledb.sql'] : [];
    case 'vector':
      return [present ? 'vector.sql' : 'vector_fallback.sql'];
    case 'age':
      // The relational table exists in both variants: the AGE refresh stages edges through it.
      return present ? ['graph_relational.sql', 'age.sql'] : ['graph_relational.sql'];
  }
}
