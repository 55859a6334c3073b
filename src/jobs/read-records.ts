import type { Dataset, TelemetryRecord } from '../core/records.js';
import type { Tenant } from '../core/tenant.js';
import type { Window } from '../core/window.js';
import type { JobContext } from './job.js';

type KindOf<D extends Dataset> = D extends 'logs' ? 'log' : D extends 'metrics' ? 'metric' : 'span';
type RecordOf<D extends Dataset> = Extract<TelemetryRecord, { kind: KindOf<D> }>;

const KIND: Record<Dataset, TelemetryRecord['kind']> = { logs: 'log', metrics: 'metric', traces: 'span' };

/**
 * Streams a dataset of the tenant's source for a window into `add`, counting records read; a record of
 * the wrong kind is counted as rejected (`wrong_kind`). Returns the number of records read.
 */
export async function feedRecords<D extends Dataset>(
  ctx: JobContext,
  tenant: Tenant,
  dataset: D,
  w: Window,
  add: (r: RecordOf<D>) => void,
): Promise<number> {
  const kind = KIND[dataset];
  let n = 0;
  for await (const r of ctx.source(tenant).stream(tenant, dataset, w, ctx.stats, ctx.signal)) {
    if (r.kind !== kind) {
      ctx.stats.reject('wrong_kind');
      continue;
    }
    n++;
    add(r as RecordOf<D>);
  }
  return n;
}
