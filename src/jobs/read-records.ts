import { errorMessage, ObserveBridgeError } from '../core/errors.js';
import type { Attrs, Dataset, TelemetryRecord } from '../core/records.js';
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
  try {
    for await (const r of ctx.source(tenant).stream(tenant, dataset, w, ctx.stats, ctx.signal)) {
      if (r.kind !== kind) {
        ctx.stats.reject('wrong_kind');
        continue;
      }
      n++;
      add(textSafe(r) as RecordOf<D>);
    }
  } catch (e) {
    if (e instanceof ObserveBridgeError || ctx.signal.aborted) throw e;
    throw new SourceError(`${dataset} source failed: ${errorMessage(e)}`, { cause: e });
  }
  return n;
}

/**
 * A failure of a tenant's source that the source did not type itself (a socket error of an SDK, a
 * file error). Typed so the runner never mistakes it for a failure of our own database, which does
 * not count toward the tenant's circuit: a source refusing connections must open it.
 */
export class SourceError extends ObserveBridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('source_failed', message, options);
  }
}

/**
 * PostgreSQL text and jsonb cannot hold NUL, and jsonb rejects the escape of a lone UTF-16 surrogate:
 * one such character in a body, label or service name would fail the whole window on every retry.
 * Both become U+FFFD. Clean records (nearly all) are returned as they are, without copying, so
 * shared resource-attribute objects keep their identity.
 */
function textSafe(r: TelemetryRecord): TelemetryRecord {
  // for…in and no closure: this runs on every record of every window (Object.entries allocated
  // an array per record and per attribute object, a fifth of oo-logs' aggregation time).
  const rec = r as unknown as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k in rec) {
    const v = rec[k];
    if (typeof v === 'string') {
      if (!clean(v)) (out ??= { ...rec })[k] = fix(v);
    } else if (k === 'labels' || k === 'attrs') {
      const a = safeAttrs(v as Attrs);
      if (a !== v) (out ??= { ...rec })[k] = a;
    } else if (k === 'resource') {
      const res = v as { attrs: Attrs };
      const a = safeResourceAttrs(res.attrs);
      if (a !== res.attrs) (out ??= { ...rec })[k] = { ...res, attrs: a };
    }
  }
  return (out as TelemetryRecord | undefined) ?? r;
}

/**
 * Sources share one attrs object per resource across its records (and never change it), so each
 * object is checked once.
 */
const resourceChecked = new WeakMap<Attrs, Attrs>();

function safeResourceAttrs(a: Attrs): Attrs {
  let safe = resourceChecked.get(a);
  if (safe === undefined) {
    safe = safeAttrs(a);
    resourceChecked.set(a, safe);
  }
  return safe;
}

function safeAttrs(a: Attrs): Attrs {
  let out: Attrs | undefined;
  for (const k in a) {
    const v = a[k]!;
    const badKey = !clean(k);
    const badVal = typeof v === 'string' && !clean(v);
    if (!badKey && !badVal) continue;
    out ??= { ...a };
    if (badKey) delete out[k];
    out[badKey ? fix(k) : k] = badVal ? fix(v as string) : v;
  }
  return out ?? a;
}

interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

function clean(s: string): boolean {
  return !s.includes('\u0000') && (s as unknown as WellFormed).isWellFormed();
}

function fix(s: string): string {
  return (s as unknown as WellFormed).toWellFormed().replaceAll('\u0000', '\ufffd');
}
