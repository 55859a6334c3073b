import { Option } from 'commander';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { DEFAULT_PGLITE_DIR, openDb } from '../db/open.js';
import { migrate, type MigrateResult } from '../db/migrate.js';
import type { Db } from '../db/types.js';
import { createLogger, type Logger } from '../obs/logger.js';

/** Options every database command accepts. */
export interface DbOptions {
  db?: string;
  config?: string;
}

/** `--db`, read by openContext (see resolveDbTarget). */
export function dbOption(): Option {
  return new Option('--db <target>', 'postgres:// URL or PGlite directory (overrides config and DATABASE_URL)');
}

/** `--config`, read by openContext. */
export function configOption(): Option {
  return new Option('--config <file>', 'config file (default: configs/demo.yaml)');
}

/** --db wins over the environment (DATABASE_URL, already folded into the config) and the config file. */
export function resolveDbTarget(opts: DbOptions, loaded: LoadedConfig | undefined, env = process.env): string {
  return opts.db ?? loaded?.config.database.url ?? env.DATABASE_URL ?? DEFAULT_PGLITE_DIR;
}

export interface CommandContext {
  loaded: LoadedConfig;
  db: Db;
  logger: Logger;
  close(): Promise<void>;
}

export async function openContext(
  opts: DbOptions,
  { migrateFirst = true } = {},
): Promise<CommandContext & { migrated?: MigrateResult }> {
  const loaded = loadConfig(opts.config);
  const logger = createLogger(loaded.config.logging.level ?? 'info');
  const db = await openDb(resolveDbTarget(opts, loaded), { max: loaded.config.database.pool_size });
  try {
    const migrated = migrateFirst
      ? await migrate(db, { capabilities: loaded.config.database.capabilities })
      : undefined;
    return { loaded, db, logger, migrated, close: () => db.close() };
  } catch (e) {
    await db.close();
    throw e;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Rows of cells as left-aligned columns two spaces apart, trailing blanks trimmed, one line each. */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
