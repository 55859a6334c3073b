/**
 * The shape every aggregator has, and the one wrapper that does the bookkeeping around it
 * (STYLE-ANCHORS: "aggregator authors write only the pure function"; Collector processorhelper).
 *
 * An aggregator is pure and in-memory: it sees the records of one window through `add`, keeps only
 * per-key state, and produces its rows once, in `finish`. It never does I/O and never reads the clock.
 */
import type { Clock } from '../core/clock.js';
import { RejectStats } from '../core/reject-stats.js';

export interface Aggregator<In, Out> {
  add(rec: In): void;
  finish(): Out;
  /** Records seen, rows produced, records rejected (with reasons). */
  readonly counters: AggregatorCounters;
}

/** Counters kept by every aggregator; `rejects` holds the reasons (stable, low-cardinality strings). */
export class AggregatorCounters {
  in = 0;
  out = 0;
  readonly rejects: RejectStats;

  constructor(rejects: RejectStats = new RejectStats()) {
    this.rejects = rejects;
  }

  get rejected(): number {
    return this.rejects.total;
  }

  reject(reason: string, n = 1): void {
    this.rejects.reject(reason, n);
  }

  toJSON(): { in: number; out: number; rejected: number; reasons: Record<string, number> } {
    return { in: this.in, out: this.out, rejected: this.rejected, reasons: this.rejects.toJSON() };
  }
}

export interface AggregatorRun<Out> {
  output: Out;
  counters: ReturnType<AggregatorCounters['toJSON']>;
  /** Wall time of the run by the injected clock (0 without one). */
  elapsedMs: number;
}

/**
 * Feeds every record to the aggregator, finishes it, and reports counters and elapsed time.
 * Logging with job, tenant and window is the caller's (the job's) business.
 */
export async function runAggregator<In, Out>(
  agg: Aggregator<In, Out>,
  records: AsyncIterable<In> | Iterable<In>,
  clock?: Clock,
): Promise<AggregatorRun<Out>> {
  const t0 = clock?.now() ?? 0;
  if (Symbol.asyncIterator in records) {
    for await (const r of records) agg.add(r);
  } else {
    for (const r of records) agg.add(r); // no microtask per record for in-memory input
  }
  const output = agg.finish();
  return { output, counters: agg.counters.toJSON(), elapsedMs: (clock?.now() ?? 0) - t0 };
}
