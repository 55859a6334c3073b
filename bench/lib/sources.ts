/**
 * Sources and database wrappers that let a benchmark split a job window's time into reading
 * (the source), aggregating and writing without changing the job.
 */
import type { Dataset, TelemetryRecord } from '../../src/core/records.js';
import type { RejectStats } from '../../src/core/reject-stats.js';
import type { Tenant } from '../../src/core/tenant.js';
import type { Window } from '../../src/core/window.js';
import type { Db, Queryable, QueryResult, SqlParam } from '../../src/db/types.js';
import { mockConfigSchema } from '../../src/sources/mock/config.js';
import { MockSource } from '../../src/sources/mock/mock-source.js';
import type { Source, SourceLocation } from '../../src/sources/source.js';

export const MINUTE = 60_000;
/** Start of the measured window: aligned to 5 minutes (and to 1 minute for oo-metrics). */
export const T0 = Date.parse('2024-06-10T06:00:00Z');

/** The seed's volume per minute of data, at 1×. */
export const SEED_PER_MINUTE = { logs: 5000, metrics: 500, traces: 1000 } as const satisfies Record<Dataset, number>;

export function mockSource(scale: number, seed = 1): MockSource {
  return new MockSource(mockConfigSchema.parse({ kind: 'mock', seed, scale }));
}

function now(): bigint {
  return process.hrtime.bigint();
}

export interface SourceTimings {
  /** Time spent producing records (inside the wrapped source), ns. */
  sourceNs: bigint;
  records: number;
}

/**
 * Pulls the wrapped source's records in chunks, timing only the pulls, then hands them on one by
 * one: what is left of the job's time is aggregation and writing. `onChunk` runs at every chunk
 * boundary (memory sampling: a timer cannot fire inside the job's read loop).
 */
export class TimedSource implements Source {
  readonly kind: string;
  readonly timings: SourceTimings = { sourceNs: 0n, records: 0 };

  constructor(
    readonly inner: Source,
    readonly chunk = 4096,
    readonly onChunk: () => void = () => undefined,
  ) {
    this.kind = inner.kind;
  }

  location(tenant: Tenant, dataset: Dataset): SourceLocation {
    return this.inner.location(tenant, dataset);
  }

  async *stream(
    tenant: Tenant,
    dataset: Dataset,
    w: Window,
    stats: RejectStats,
    signal?: AbortSignal,
  ): AsyncIterable<TelemetryRecord> {
    const it = this.inner.stream(tenant, dataset, w, stats, signal)[Symbol.asyncIterator]();
    const buf: TelemetryRecord[] = [];
    for (;;) {
      buf.length = 0;
      let done = false;
      const t0 = now();
      while (buf.length < this.chunk) {
        const r = await it.next();
        if (r.done) {
          done = true;
          break;
        }
        buf.push(r.value);
      }
      this.timings.sourceNs += now() - t0;
      this.timings.records += buf.length;
      this.onChunk();
      for (const r of buf) yield r;
      if (done) return;
    }
  }
}

/** Records held in memory per dataset, served filtered to the window asked for (generation excluded from timing). */
export class ArraySource implements Source {
  readonly kind = 'array';

  constructor(readonly records: Partial<Record<Dataset, readonly TelemetryRecord[]>>) {}

  location(tenant: Tenant, dataset: Dataset): SourceLocation {
    return { bucket: `mock:${tenant.code}`, objectKey: dataset };
  }

  async *stream(_t: Tenant, dataset: Dataset, w: Window): AsyncIterable<TelemetryRecord> {
    for (const r of this.records[dataset] ?? []) {
      const t = r.kind === 'span' ? r.start : r.ts;
      if (t >= w.from && t < w.to) yield r;
    }
  }
}

/** All records of a dataset for a window, generated into an array. */
export async function collect(
  source: Source,
  tenant: Tenant,
  dataset: Dataset,
  w: Window,
  stats: RejectStats,
): Promise<TelemetryRecord[]> {
  const out: TelemetryRecord[] = [];
  for await (const r of source.stream(tenant, dataset, w, stats)) out.push(r);
  return out;
}

export interface DbTimings {
  /** Inside `transaction` (the job's write: upserts, deletes, COPY, complete), ns. */
  txNs: bigint;
  /** Statements outside a transaction (loading the pattern dictionary...), ns. */
  otherNs: bigint;
}

/** A Db that times its callers' transactions and other statements. */
export class TimedDb implements Db {
  readonly timings: DbTimings = { txNs: 0n, otherNs: 0n };

  constructor(readonly inner: Db) {}

  get kind(): Db['kind'] {
    return this.inner.kind;
  }
  get flags(): Db['flags'] {
    return this.inner.flags;
  }
  get target(): string {
    return this.inner.target;
  }

  async #time<T>(field: keyof DbTimings, fn: () => Promise<T>): Promise<T> {
    const t0 = now();
    try {
      return await fn();
    } finally {
      this.timings[field] += now() - t0;
    }
  }

  query<R = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<R>> {
    return this.#time('otherNs', () => this.inner.query<R>(sql, params));
  }
  exec(sql: string): Promise<void> {
    return this.#time('otherNs', () => this.inner.exec(sql));
  }
  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number> {
    return this.#time('otherNs', () => this.inner.copyRows(table, columns, rows));
  }
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#time('txNs', () => this.inner.transaction(fn));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export function seconds(ns: bigint): number {
  return Number(ns) / 1e9;
}
