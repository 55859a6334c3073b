/** The database port: a handful of methods, two drivers (PGlite embedded, pg server). */

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export type SqlParam =
  string | number | bigint | boolean | null | Date | Uint8Array | readonly unknown[] | Record<string, unknown>;

/** What both a connection and an open transaction can do. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<R>>;
  /** Runs several statements in one call (no parameters). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-loads rows with COPY (text format). Values: null → NULL, Date → ISO, object → JSON,
   * Uint8Array → bytea hex. Returns the number of rows copied.
   */
  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number>;
}

export interface DbFlags {
  /** false for PGlite: one connection, so the core serializes access instead of branching on driver. */
  readonly multipleConnections: boolean;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  readonly flags: DbFlags;
  /** Human-readable target without secrets (`postgres://user@host:5432/db`, `pglite:./dir`). */
  readonly target: string;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
