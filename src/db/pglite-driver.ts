import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { mkdirSync, writeSync } from 'node:fs';
import { encodeCopyRow, copyStatement } from './copy-format.js';
import { Mutex } from './mutex.js';
import type { Db, Queryable, QueryResult, SqlParam } from './types.js';

type PgliteTx = Pick<PGlite, 'query' | 'exec'>;

const INT8_OID = 20;

/**
 * OBSERVEBRIDGE_TRACE_SQL=1: every statement's start and end on stderr, written synchronously. PGlite
 * runs a statement on this thread, so a statement that never ends shows only here (a server has
 * pg_stat_activity for that).
 */
const TRACE = process.env.OBSERVEBRIDGE_TRACE_SQL === '1';
let traceSeq = 0;
function trace<T>(sql: string, run: () => Promise<T>): Promise<T> {
  if (!TRACE) return run();
  const id = ++traceSeq;
  const t0 = performance.now();
  const head = sql
    .replace(/--[^\n]*\n/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  writeSync(2, `[sql ${id} start ${new Date().toISOString()}] ${head}\n`);
  const done = (how: string) => writeSync(2, `[sql ${id} ${how} ${(performance.now() - t0).toFixed(1)} ms]\n`);
  return run().then(
    (r) => (done('end'), r),
    (e: unknown) => {
      done('error');
      throw e;
    },
  );
}

function wrap(conn: PgliteTx): Queryable {
  return {
    async query<R>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<R>> {
      const r = await trace(sql, () => conn.query<R>(sql, params as unknown[] | undefined));
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await conn.exec(sql);
    },
    async copyRows(table, columns, rows): Promise<number> {
      const parts: string[] = [];
      let n = 0;
      for (const row of rows) {
        parts.push(encodeCopyRow(row));
        n++;
      }
      if (n === 0) return 0;
      // PGlite's fastest bulk path: COPY from an in-memory blob.
      await conn.query(copyStatement(table, columns, `'/dev/blob'`), [], { blob: new Blob(parts) });
      return n;
    },
  };
}

/**
 * Embedded PostgreSQL (WebAssembly). One connection: every top-level call takes a mutex so that
 * a transaction's statements are never interleaved with another caller's.
 */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  readonly flags = { multipleConnections: false };
  readonly #mutex = new Mutex();
  readonly #inner: Queryable;
  #closed = false;

  private constructor(
    readonly pg: PGlite,
    readonly target: string,
  ) {
    this.#inner = wrap(pg);
  }

  /** `dataDir`: a directory path, or `memory://` for a throwaway database. */
  static async open(dataDir: string, opts: { loadDataDir?: Blob } = {}): Promise<PgliteDb> {
    const memory = dataDir === 'memory://' || dataDir === '';
    if (!memory) mkdirSync(dataDir, { recursive: true });
    const pg = await PGlite.create({
      ...(memory ? {} : { dataDir }),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      extensions: { pg_trgm, btree_gist, pgcrypto },
      // int8 as a JS number on both drivers (ids and counts stay far below 2^53).
      parsers: { [INT8_OID]: (v: string) => Number(v) },
    });
    return new PgliteDb(pg, memory ? 'pglite:memory://' : `pglite:${dataDir}`);
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<R>> {
    return this.#mutex.run(() => this.#inner.query<R>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.#mutex.run(() => this.#inner.exec(sql));
  }

  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number> {
    return this.#mutex.run(() => this.#inner.copyRows(table, columns, rows));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    // PGlite's own transaction() rolls back on error before rethrowing, so the single
    // connection is never left in an aborted state.
    return this.#mutex.run(() => this.pg.transaction((tx) => fn(wrap(tx))));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#mutex.run(() => this.pg.close());
  }
}
