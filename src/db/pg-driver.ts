import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { encodeCopyRow, copyStatement, quoteIdent } from './copy-format.js';
import type { Db, Queryable, QueryResult, SqlParam } from './types.js';

// int8 as a JS number on both drivers (ids and counts stay far below 2^53).
pg.types.setTypeParser(20, (v: string) => Number(v));

type Client = pg.PoolClient | pg.Pool;

function wrap(conn: Client, copyClient: () => Promise<{ client: pg.PoolClient; release: () => void }>): Queryable {
  return {
    async query<R>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<R>> {
      const r = await conn.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await conn.query(sql);
    },
    async copyRows(table, columns, rows): Promise<number> {
      const { client, release } = await copyClient();
      try {
        let n = 0;
        const counted = (function* () {
          for (const row of rows) {
            n++;
            yield encodeCopyRow(row);
          }
        })();
        const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN')));
        await pipeline(Readable.from(counted), stream);
        return n;
      } finally {
        release();
      }
    },
  };
}

export interface PgDbOptions {
  /** Tables are created and read in this schema (tests use one schema each). */
  schema?: string;
  max?: number;
}

/** A real PostgreSQL server through node-postgres, with a pool. */
export class PgDb implements Db {
  readonly kind = 'postgres' as const;
  readonly flags = { multipleConnections: true };
  readonly #inner: Queryable;
  #closed = false;

  private constructor(
    readonly pool: pg.Pool,
    readonly target: string,
  ) {
    this.#inner = wrap(pool, async () => {
      const c = await checkout(pool);
      return { client: c, release: () => c.release() };
    });
  }

  static async open(url: string, opts: PgDbOptions = {}): Promise<PgDb> {
    const searchPath = opts.schema ? `${quoteIdent(opts.schema)},public` : undefined;
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? 8,
      ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
    });
    // A dropped idle connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const db = new PgDb(pool, redactUrl(url));
    if (opts.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
    else await pool.query('SELECT 1');
    return db;
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<R>> {
    return this.#inner.query<R>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.#inner.exec(sql);
  }

  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number> {
    return this.#inner.copyRows(table, columns, rows);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await checkout(this.pool);
    let broken = false;
    try {
      await client.query('BEGIN');
      const tx = wrap(client, async () => ({ client, release: () => undefined }));
      const out = await fn(tx);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // connection is gone; drop it from the pool
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.pool.end();
  }
}

/**
 * A client taken out of the pool. While checked out, node-postgres removes the pool's idle error
 * listener, so a connection cut between two statements (pg_terminate_backend, a server restart,
 * a network drop while the job computes inside its transaction) emitted an unhandled 'error' and
 * killed the whole process. The listener swallows it: the next statement on the client fails with
 * the error instead, the transaction rolls back and the run is retried.
 *
 * The listener is attached in pool.connect's callback, not after `await pool.connect()`: the pool
 * hands a client over from inside a socket handler (a new connection's ReadyForQuery), and a FATAL
 * that arrived in the same chunk (a backend terminated right after it connected) is emitted before
 * any promise continuation runs — seen once in the database-fault scenario as an unhandled 'error'.
 */
export function checkout(pool: Pick<pg.Pool, 'connect'>): Promise<pg.PoolClient> {
  return new Promise((resolve, reject) => {
    pool.connect((err, client) => {
      if (err || !client) {
        reject(err ?? new Error('pool.connect gave no client'));
        return;
      }
      const onError = () => undefined;
      client.on('error', onError);
      const release = client.release.bind(client);
      client.release = (e?: Error | boolean) => {
        client.off('error', onError);
        release(e);
      };
      resolve(client);
    });
  });
}

/** Removes the password from a connection URL for display. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}
