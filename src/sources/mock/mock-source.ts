import type { Dataset, TelemetryRecord } from '../../core/records.js';
import type { RejectStats } from '../../core/reject-stats.js';
import type { Tenant } from '../../core/tenant.js';
import type { Window } from '../../core/window.js';
import type { Source, SourceLocation } from '../source.js';
import type { MockConfig } from './config.js';
import { generateMinuteLogs } from './log-gen.js';
import { generateMinuteMetrics } from './metric-gen.js';
import { hashInts, hashString } from './prng.js';
import { buildDeployment, type Deployment } from './topology.js';
import { generateMinuteSpans, MINUTE_MS, type MinuteInput } from './trace-gen.js';

/**
 * Deterministic synthetic telemetry. Each minute is generated on its own from hash(seed, tenant,
 * minute) and every record lies inside its minute, so a window is the minutes it overlaps,
 * filtered to [from, to): the same records whatever the window size or the order of requests.
 */
export class MockSource implements Source {
  readonly kind = 'mock';
  readonly #config: MockConfig;
  readonly #tenants = new Map<string, { seedWord: number; deployment: Deployment }>();

  constructor(config: MockConfig) {
    this.#config = config;
  }

  /** The incident this source generates (dependency, from, to), if any: tests read its timing here. */
  get incident(): MockConfig['incident'] {
    return this.#config.incident;
  }

  location(tenant: Tenant, dataset: Dataset): SourceLocation {
    return { bucket: `mock:${tenant.code}`, objectKey: dataset };
  }

  /** Records per minute of data for a dataset, after scaling. */
  perMinute(dataset: Dataset): number {
    const pm = this.#config.per_minute;
    const n = dataset === 'logs' ? pm.logs : dataset === 'metrics' ? pm.metrics : pm.spans;
    return Math.round(n * this.#config.scale);
  }

  /** All records one minute generates, lazily, in generation order (exposed for tests and benchmarks). */
  generateMinute(tenant: Tenant, dataset: Dataset, minute: number): Iterable<TelemetryRecord> {
    const input = this.#input(tenant, minute);
    switch (dataset) {
      case 'traces':
        return generateMinuteSpans(input, this.perMinute('traces'));
      case 'metrics':
        return generateMinuteMetrics(input, this.perMinute('metrics'));
      case 'logs': {
        const spans = this.perMinute('traces');
        return generateMinuteLogs(input, this.perMinute('logs'), generateMinuteSpans(input, spans), spans);
      }
    }
  }

  async *stream(
    tenant: Tenant,
    dataset: Dataset,
    w: Window,
    _stats: RejectStats,
    signal?: AbortSignal,
  ): AsyncIterable<TelemetryRecord> {
    const first = Math.floor(w.from / MINUTE_MS) * MINUTE_MS;
    for (let minute = first; minute < w.to; minute += MINUTE_MS) {
      signal?.throwIfAborted();
      const whole = minute >= w.from && minute + MINUTE_MS <= w.to;
      for (const r of this.generateMinute(tenant, dataset, minute)) {
        if (whole) {
          yield r;
          continue;
        }
        const t = r.kind === 'span' ? r.start : r.ts;
        if (t >= w.from && t < w.to) yield r;
      }
    }
  }

  #input(tenant: Tenant, minute: number): MinuteInput {
    let t = this.#tenants.get(tenant.code);
    if (t === undefined) {
      const seedWord = hashInts(this.#config.seed, hashString(tenant.code));
      t = { seedWord, deployment: buildDeployment(seedWord) };
      this.#tenants.set(tenant.code, t);
    }
    const input: MinuteInput = { seedWord: t.seedWord, minute, deployment: t.deployment };
    if (this.#config.incident !== undefined) input.incident = this.#config.incident;
    return input;
  }
}

export function createMockSource(config: MockConfig): MockSource {
  return new MockSource(config);
}
