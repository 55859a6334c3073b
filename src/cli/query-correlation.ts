import type { Command } from 'commander';
import { parseAttrFilters } from '../correlation/attr-filter.js';
import {
  edgeLogs,
  isTraceId,
  patternEdges,
  traceView,
  tracesByAttrs,
  type EdgeLogs,
  type PatternEdges,
  type TraceHit,
  type TraceView,
} from '../correlation/queries.js';
import { isDuration, parseDuration } from '../core/duration.js';
import { ConfigError, ObserveBridgeError } from '../core/errors.js';
import { readSpan, spanNote, type SpanFields } from '../db/queries/data-span.js';
import type { Db } from '../db/types.js';
import { alignColumns, printJson } from './context.js';
import { common, instantOption, intOption, type QueryOptions, withTenant } from './query.js';

/**
 * `observebridge query trace|edge-logs|pattern-edges`: log ↔ trace correlation from the command line,
 * through the same functions as the API (src/correlation/queries.ts), so `--json` prints its shape.
 */
interface RangeOptions extends QueryOptions {
  since: string;
  at?: string;
  limit: string;
}

const WEEK = 7 * 86_400_000;

/** `--since` and `--at` checked before the database is opened (bad usage exits 2 without it). */
function spanArgs(opts: RangeOptions): { since: number; at: number | null } {
  if (!isDuration(opts.since) || parseDuration(opts.since) <= 0 || parseDuration(opts.since) > WEEK) {
    throw new ConfigError(`query: --since must be a duration from 1s to 7d, such as 1h (got '${opts.since}')`);
  }
  return { since: parseDuration(opts.since), at: opts.at === undefined ? null : instantOption('--at', opts.at, 0) };
}

/**
 * The span a correlation read covers: [at − since, at) when asked, else the last `since` — or, when
 * the tenant's samples hold nothing in it, the `since` ending at the newest sample (data-span.ts).
 */
function spanOf(db: Db, tenantId: number, a: { since: number; at: number | null }) {
  return readSpan(db, { tenantId, dataset: 'samples', ...a, now: Date.now() });
}

/** The span line above every table, and a hint where to look when the answer is empty. */
function head(s: SpanFields): string {
  return `${spanNote(s, 'sampled traces')}\n`;
}
const hint = (s: SpanFields) =>
  s.newest_data === null || s.span_basis === 'newest_data' ? '' : `; try --at ${s.newest_data} or a longer --since`;

function ranged(cmd: Command, limit: string): Command {
  return common(cmd)
    .option('--since <duration>', 'span before --at', '1h')
    .option('--at <iso>', 'the span ends here instead of now (or the newest sample, when the last --since holds none)')
    .option('--limit <n>', 'how many', limit);
}

const collect = (v: string, prev: string[]) => [...prev, v];

function attrsOf(list: string[]): Record<string, string> {
  const a = parseAttrFilters(list);
  if (typeof a === 'string') throw new ConfigError(`query: --attr ${a}`);
  return a;
}

function traceText(v: TraceView): string {
  if (!v.found) return `trace ${v.trace_id}: in no sample (samples are bounded; fetch it from OO below)\n${ooText(v)}`;
  let out = `trace ${v.trace_id} (from samples)\n\nedges:\n`;
  out += alignColumns([
    ['bucket', 'src', 'dst', 'failed', 'span', 'attrs'],
    ...v.edges.map((e) => [e.bucket, e.src, e.dst, e.failed ? 'yes' : 'no', e.span_id ?? '-', JSON.stringify(e.attrs)]),
  ]);
  out += '\nlog patterns:\n';
  out += alignColumns([
    ['bucket', 'resource', 'error', 'lines', 'pattern'],
    ...v.patterns.map((p) => [p.bucket, p.resource, p.is_error ? 'yes' : 'no', String(p.lines), p.pattern]),
  ]);
  return `${out}\n${ooText(v)}`;
}

function ooText(v: TraceView): string {
  return v.oo
    .map(
      (o) =>
        `OO ${o.dataset} (${o.org ?? '?'}${o.start ? `, ${o.start} .. ${o.end}` : ''}):\n  ${o.sql ?? 'no stream known yet'}\n`,
    )
    .join('');
}

function hitsText(s: SpanFields, hits: TraceHit[]): string {
  if (hits.length === 0) return `${head(s)}no sampled trace carries these attributes in the span${hint(s)}\n`;
  return (
    head(s) +
    alignColumns([
      ['trace_id', 'last_bucket', 'failed', 'edges', 'patterns', 'attrs'],
      ...hits.map((h) => [
        h.trace_id,
        h.last_bucket,
        h.failed ? 'yes' : 'no',
        String(h.edges),
        String(h.patterns),
        JSON.stringify(h.attrs),
      ]),
    ])
  );
}

function edgeLogsText(r: EdgeLogs & SpanFields): string {
  const top = `${head(r)}${r.src} -> ${r.dst}: ${r.failed_traces} failed and ${r.healthy_traces} healthy sampled traces\n`;
  if (r.patterns.length === 0) return `${top}no log pattern of either side in its failed traces${hint(r)}\n`;
  return (
    top +
    alignColumns([
      ['lift', 'in_failed', 'in_healthy', 'resource', 'pattern'],
      ...r.patterns.map((p) => [p.lift.toFixed(1), String(p.in_failed), String(p.in_healthy), p.resource, p.pattern]),
    ])
  );
}

function patternEdgesText(r: PatternEdges & SpanFields): string {
  const top = `${head(r)}${r.pattern}: ${r.traces} sampled traces\n`;
  if (r.edges.length === 0) return `${top}no sampled edge shares its traces${hint(r)}\n`;
  return (
    top +
    alignColumns([
      ['traces', 'failed', 'src', 'dst'],
      ...r.edges.map((e) => [String(e.traces), String(e.failed_traces), e.src, e.dst]),
    ])
  );
}

export function registerCorrelationQueries(query: Command): void {
  ranged(
    query
      .command('trace [trace-id]')
      .description(
        'a trace resolved from the samples (edges, log patterns, OO SQL); or, with --attr only, the sampled traces carrying it',
      )
      .option('--attr <key=value>', 'business attribute filter (repeatable)', collect, [] as string[]),
    '50',
  ).action(async (traceId: string | undefined, opts: RangeOptions & { attr: string[] }) => {
    const attrs = attrsOf(opts.attr);
    if (traceId !== undefined && !isTraceId(traceId))
      throw new ConfigError(`query: <trace-id> must be a trace id (got '${traceId.slice(0, 64)}')`);
    if (traceId === undefined && Object.keys(attrs).length === 0)
      throw new ConfigError('query: trace needs a <trace-id> or --attr key=value');
    const limit = intOption('--limit', opts.limit, 50, 1, 1000);
    await withTenant(opts, async (db, t) => {
      if (traceId !== undefined) {
        const v = await traceView(db, { tenantId: t.id, traceId, attrs });
        if (opts.json) printJson({ tenant: t.code, ...v });
        else process.stdout.write(traceText(v));
        return;
      }
      const { span, ...range } = await spanOf(db, t.id, spanArgs(opts));
      const traces = await tracesByAttrs(db, { tenantId: t.id, attrs, ...range, limit });
      if (opts.json) printJson({ tenant: t.code, attrs, ...span, sampled: true, traces });
      else process.stdout.write(hitsText(span, traces));
    });
  });

  ranged(
    query
      .command('edge-logs <src-urn> <dst-urn>')
      .description(
        'log patterns of both sides of an edge, ranked by how much more often they occur in its failed traces',
      ),
    '10',
  ).action(async (src: string, dst: string, opts: RangeOptions) => {
    const limit = intOption('--limit', opts.limit, 10, 1, 200);
    const args = spanArgs(opts);
    await withTenant(opts, async (db, t) => {
      const { span, ...range } = await spanOf(db, t.id, args);
      const r = await edgeLogs(db, { tenantId: t.id, src, dst, ...range, limit });
      if (!r) throw new ObserveBridgeError('not_found', `query: no resource ${src} or ${dst} for tenant '${t.code}'`);
      if (opts.json) printJson({ tenant: t.code, ...r, ...span });
      else process.stdout.write(edgeLogsText({ ...r, ...span }));
    });
  });

  ranged(
    query
      .command('pattern-edges <fingerprint>')
      .description('the edges crossed by the sampled traces of a log pattern'),
    '20',
  ).action(async (fingerprint: string, opts: RangeOptions) => {
    const limit = intOption('--limit', opts.limit, 20, 1, 200);
    const args = spanArgs(opts);
    await withTenant(opts, async (db, t) => {
      const { span, ...range } = await spanOf(db, t.id, args);
      const r = await patternEdges(db, { tenantId: t.id, fingerprint, ...range, limit });
      if (!r) throw new ObserveBridgeError('not_found', `query: no pattern ${fingerprint} for tenant '${t.code}'`);
      if (opts.json) printJson({ tenant: t.code, ...r, ...span });
      else process.stdout.write(patternEdgesText({ ...r, ...span }));
    });
  });
}
