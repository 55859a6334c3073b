/**
 * The MCP tools: each a short description an LLM can act on, a zod input schema (published as JSON
 * Schema and validated once, by the API's own validator, so an error names the argument) and a call
 * into the existing read functions (src/db/queries, src/db/graph, src/kb). Every tool takes the
 * tenant and bounds its output (limits on every list, and MAX_OUTPUT_CHARS on the text).
 */
import { z } from 'zod';
import type { ParsedConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { isDuration, parseDuration } from '../core/duration.js';
import { MAX_ATTR_FILTERS, parseAttrFilters } from '../correlation/attr-filter.js';
import { isTraceId, traceView, tracesByAttrs } from '../correlation/queries.js';
import { MAX_RANGE_MS } from '../discovery/params.js';
import {
  discoverCarriers,
  discoverCooccurring,
  discoverKeys,
  discoverNames,
  discoverNamespaces,
  SIGNALS,
} from '../discovery/queries.js';
import { graphImpact, graphPath, MAX_IMPACT_HOPS, MAX_PATH_HOPS, resourceIdOf } from '../db/graph/queries.js';
import { readSpan, spanNote, type SpanFields, type SpanSource } from '../db/queries/data-span.js';
import { dependencyReport } from '../db/queries/dependencies.js';
import { EVENT_STATUSES, getEvidence, listEvents, type EventCursor } from '../db/queries/events.js';
import { UUID_RE } from '../db/queries/evidence.js';
import { searchLogPatterns } from '../db/queries/log-patterns.js';
import { serviceHealth } from '../db/queries/service-health.js';
import { findTenant, type TenantRow } from '../db/queries/tenant.js';
import { topologyAt, type TopoCursor } from '../db/queries/topology.js';
import type { Db } from '../db/types.js';
import { searchSettings } from '../kb/config.js';
import { embedderFromConfig } from '../kb/embeddings.js';
import { MAX_QUERY_CHARS, searchKb } from '../kb/search.js';

export interface ToolContext {
  db: Db;
  config: ParsedConfig;
  clock: Clock;
}

/** A tool call that cannot be answered as asked: `argument: problem` (shown to the model). */
export class ToolArgumentError extends Error {
  constructor(
    readonly argument: string,
    problem: string,
  ) {
    super(`${argument}: ${problem}`);
  }
}

export interface ToolDef {
  name: string;
  description: string;
  input: z.ZodType;
  run(ctx: ToolContext, args: never): Promise<unknown>;
}

function tool<S extends z.ZodType>(d: {
  name: string;
  description: string;
  input: S;
  run(ctx: ToolContext, args: z.output<S>): Promise<unknown>;
}): ToolDef {
  return d as unknown as ToolDef;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const tenant = z.string().min(1).max(64).describe('Tenant code, e.g. acme');
const urn = (what: string) =>
  z
    .string()
    .min(1)
    .max(1024)
    .describe(`${what} URN, e.g. urn:k8s:svc:shop/orders (see the observebridge://urn-rules resource)`);
const iso = (what: string) =>
  z
    .string()
    .max(40)
    .refine((s) => ISO_RE.test(s) && Number.isFinite(Date.parse(s)), {
      message: 'must be an ISO 8601 time with a zone, e.g. 2026-06-10T06:00:00Z',
    })
    .describe(what);
const span = (dflt: string, max: number, maxText: string) =>
  z
    .string()
    .max(20)
    .refine((s) => isDuration(s) && parseDuration(s) > 0 && parseDuration(s) <= max, {
      message: `must be a duration from 1s to ${maxText}, such as 30m, 1h or 7d`,
    })
    .default(dflt)
    .describe(`How far back from the end time (default ${dflt}, at most ${maxText})`);
/** The answer's span_basis / span_note say which end was used. */
const END = 'End of the span (default now, or the end of the newest data when the span before now holds none)';
const limit = (dflt: number, max: number) => z.number().int().min(1).max(max).default(dflt).describe(`At most ${max}`);

async function tenantOf(ctx: ToolContext, code: string): Promise<TenantRow> {
  const t = await findTenant(ctx.db, { code });
  if (!t) throw new ToolArgumentError('tenant', `no tenant '${code}'`);
  return t;
}

async function requireUrn(ctx: ToolContext, t: TenantRow, value: string, argument: string): Promise<void> {
  try {
    await resourceIdOf(ctx.db, t.id, value);
  } catch {
    throw new ToolArgumentError(argument, `no resource '${value}' in tenant '${t.code}'`);
  }
}

const endOf = (ctx: ToolContext, at: string | undefined) => (at === undefined ? ctx.clock.now() : Date.parse(at));

/**
 * The span a tool reads (src/db/queries/data-span.ts): [at − since, at) when `at` is given; else the
 * last `since` — or, when the tenant has no `dataset` data in it, the `since` ending at its newest
 * data. `fields` go into the answer (from, to, span_basis, newest_data and a span_note sentence) so
 * the model knows which span it is looking at.
 */
async function spanOf(
  ctx: ToolContext,
  t: TenantRow,
  dataset: SpanSource | readonly SpanSource[],
  a: { since: string; at?: string | undefined },
  what: string,
): Promise<{ from: number; to: number; fields: SpanFields & { span_note: string } }> {
  const r = await readSpan(ctx.db, {
    tenantId: t.id,
    dataset,
    since: parseDuration(a.since),
    now: ctx.clock.now(),
    at: a.at === undefined ? null : Date.parse(a.at),
  });
  return { from: r.from, to: r.to, fields: { ...r.span, span_note: spanNote(r.span, what) } };
}

/** `attr: ["user_id=U1"]`, parsed by the API's and CLI's own parser. */
function attrsOf(list: readonly string[] | undefined): Record<string, string> {
  const a = parseAttrFilters(list ?? []);
  if (typeof a === 'string') throw new ToolArgumentError('attr', a);
  return a;
}

function needs<T>(value: T | undefined, argument: string, ask: string): T {
  if (value === undefined) throw new ToolArgumentError(argument, `required when ask is ${ask}`);
  return value;
}

const DISCOVER_ASKS = ['namespaces', 'names', 'keys', 'carriers', 'cooccurring'] as const;

export const TOOLS: readonly ToolDef[] = [
  tool({
    name: 'dependencies',
    description:
      'Slowest and most failing downstream dependencies (services, databases, queues, external APIs) of one ' +
      'service over a recent span: calls, errors, err_rate, rps, p95_ms per destination, slowest first.',
    input: z.strictObject({
      tenant,
      service: urn('Calling service'),
      since: span('30m', DAY, '24h'),
      at: iso(END).optional(),
      limit: limit(5, 50),
    }),
    async run(ctx, a) {
      const t = await tenantOf(ctx, a.tenant);
      await requireUrn(ctx, t, a.service, 'service');
      // The API's and `query deps`' own report, which resolves its span over the call data.
      const r = await dependencyReport(ctx.db, {
        tenant: t,
        urn: a.service,
        since: parseDuration(a.since),
        limit: a.limit,
        now: ctx.clock.now(),
        at: a.at === undefined ? null : Date.parse(a.at),
      });
      return { ...r, span_note: spanNote(r, 'call data') };
    },
  }),
  tool({
    name: 'service_health',
    description:
      'Health of one service over a span: its metrics (mean/min/max/largest 1-minute p95), who calls it and ' +
      'how those calls fare, what it calls, and its log patterns with errors. Start an investigation here.',
    input: z.strictObject({
      tenant,
      service: urn('Service'),
      since: span('1h', 7 * DAY, '7d'),
      at: iso(END).optional(),
      limit: limit(5, 20),
    }),
    async run(ctx, a) {
      const t = await tenantOf(ctx, a.tenant);
      await requireUrn(ctx, t, a.service, 'service');
      // Metrics, calls and log patterns: the span falls back only when none of the three has data in it.
      const s = await spanOf(ctx, t, ['calls', 'metrics', 'logs'], a, 'data');
      const h = await serviceHealth(ctx.db, { tenantId: t.id, urn: a.service, from: s.from, to: s.to, limit: a.limit });
      return { tenant: t.code, ...h, ...s.fields };
    },
  }),
  tool({
    name: 'graph_impact',
    description:
      'Blast radius in the active call graph (last 10 minutes): the resources that call this one (upstream, ' +
      'affected when it fails) and those it calls (downstream, possible causes), with hop counts.',
    input: z.strictObject({
      tenant,
      urn: urn('Resource'),
      hops: z.number().int().min(1).max(MAX_IMPACT_HOPS).default(2).describe(`Edges to follow (1-${MAX_IMPACT_HOPS})`),
      direction: z.enum(['up', 'down', 'both']).default('both'),
    }),
    async run(ctx, a) {
      const t = await tenantOf(ctx, a.tenant);
      await requireUrn(ctx, t, a.urn, 'urn');
      return graphImpact(ctx.db, { tenant: t.code, urn: a.urn, hops: a.hops, direction: a.direction });
    },
  }),
  tool({
    name: 'graph_path',
    description:
      "Shortest call path between two resources in the active call graph, with each edge's calls, errors and " +
      'p95. hops is null when `to` is not reachable from `from`.',
    input: z.strictObject({
      tenant,
      from: urn('Start resource'),
      to: urn('End resource'),
      max_hops: z.number().int().min(1).max(MAX_PATH_HOPS).default(10),
    }),
    async run(ctx, a) {
      const t = await tenantOf(ctx, a.tenant);
      await requireUrn(ctx, t, a.from, 'from');
      await requireUrn(ctx, t, a.to, 'to');
      return graphPath(ctx.db, { tenant: t.code, from: a.from, to: a.to, maxHops: a.max_hops });
    },
  }),
  tool({
    name: 'topology_at',
    description:
      'Infrastructure topology (Terraform/Pulumi/cloud/Ansible edges such as runs_on, member_of) valid at a ' +
      'time, one page; pass `next` back as cursor for more.',
    input: z.strictObject({
      tenant,
      at: iso('The instant (default now)').optional(),
      limit: limit(100, 500),
      cursor: z.string().max(8192).optional().describe('The `next` value of the previous page'),
    }),
    async run(ctx, a) {
      const t = await tenantOf(ctx, a.tenant);
      let after: TopoCursor | null = null;
      if (a.cursor !== undefined) {
        try {
          const v = JSON.parse(Buffer.from(a.cursor, 'base64url').toString('utf8')) as unknown;
          if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => typeof x === 'string')) throw new Error('shape');
          after = v as unknown as TopoCursor;
        } catch {
          throw new ToolArgumentError('cursor', 'malformed; pass the `next` value of the previous page');
        }
      }
      const at = endOf(ctx, a.at);
      const page = await topologyAt(ctx.db, { tenantId: t.id, at, limit: a.limit, after });
      return {
        tenant: t.code,
        at: new Date(at).toISOString(),
        edges: page.edges,
        next: page.next ? Buffer.from(JSON.stringify(page.next), 'utf8').toString('base64url') : null,
      };
    },
  }),
  tool({
    name: 'log_patterns',
    description:
      'Search log templates (variables shown as <*>) by text, tolerant of typos (trigram similarity), with ' +
      'their counts and error counts over a span; optionally only those logged by one service.',
    input: z.strictObject({
      tenant,
      text: z
        .string()
        .trim()
        .min(1)
        .max(500)
        .describe('Words or a fragment of a log line, e.g. "connection pool exhausted"'),
      service: urn('Only patterns logged by this resource').optional(),
      since: span('1h', 7 * DAY, '7d'),
      at: iso(END).optional(),
      limit: limit(10, 50),
    }),
    async run(ctx, a) {
      const t = await tenantOf(ctx, a.tenant);
      if (a.service !== undefined) await requireUrn(ctx, t, a.service, 'service');
      const s = await spanOf(ctx, t, 'logs', a, 'log data');
      const patterns = await searchLogPatterns(ctx.db, {
        tenantId: t.id,
        text: a.text,
        urn: a.service ?? null,
        from: s.from,
        to: s.to,
        limit: a.limit,
      });
      return { tenant: t.code, text: a.text, ...s.fields, patterns };
    },
  }),
  tool({
    name: 'events',
    description:
      'Events detected by the rules (error rate, latency, new log patterns…), newest first: severity, kind, ' +
      'title, status open/resolved, resource, value, evidence_count. Follow up with event_evidence.',
    input: z.strictObject({
      tenant,
      status: z.enum(EVENT_STATUSES).optional().describe('open or resolved (default both)'),
      since: span('24h', 30 * DAY, '30d'),
      rule: z.string().min(1).max(200).optional().describe('Only events of this rule id'),
      limit: limit(10, 50),
      cursor: z.string().max(1024).optional().describe('The `next` value of the previous page'),
    }),
    async run(ctx, a) {
      const t = await tenantOf(ctx, a.tenant);
      let after: EventCursor | null = null;
      if (a.cursor !== undefined) {
        try {
          const v = JSON.parse(Buffer.from(a.cursor, 'base64url').toString('utf8')) as unknown;
          if (!Array.isArray(v) || v.length !== 2 || !Number.isFinite(v[0]) || typeof v[1] !== 'string')
            throw new Error('shape');
          after = v as EventCursor;
        } catch {
          throw new ToolArgumentError('cursor', 'malformed; pass the `next` value of the previous page');
        }
      }
      // Events seen since `from`: the last `since`, or the `since` before the newest event's last sighting.
      const s = await spanOf(ctx, t, 'events', a, 'event');
      const page = await listEvents(ctx.db, {
        tenantId: t.id,
        status: a.status ?? null,
        since: s.from,
        rule: a.rule ?? null,
        limit: a.limit,
        after,
      });
      return {
        tenant: t.code,
        ...s.fields,
        events: page.events,
        next: page.next ? Buffer.from(JSON.stringify(page.next), 'utf8').toString('base64url') : null,
      };
    },
  }),
  tool({
    name: 'event_evidence',
    description:
      'One event (anomaly, SLO violation, incident…) with its evidence links; each OpenObserve locator carries ' +
      'query_hint, the OO SQL that returns the raw rows behind it.',
    input: z.strictObject({
      tenant,
      event_id: z.string().regex(UUID_RE, 'must be a UUID').describe('event_envelope.event_id'),
      limit: limit(50, 200),
    }),
    async run(ctx, a) {
      const t = await tenantOf(ctx, a.tenant);
      const r = await getEvidence(ctx.db, { tenantId: t.id, eventId: a.event_id, limit: a.limit, offset: 0 });
      if (!r) throw new ToolArgumentError('event_id', `no such event in tenant '${t.code}'`);
      return { tenant: t.code, ...r };
    },
  }),
  tool({
    name: 'trace',
    description:
      'One trace from the sampled traces: the call edges and log patterns it appears in, plus the OO SQL ' +
      'for its raw spans and log lines. Give trace_id, or attr (e.g. ["user_id=U1"]) to find traces by it.',
    input: z.strictObject({
      tenant,
      trace_id: z
        .string()
        .refine(isTraceId, 'must be a trace id (letters, digits, _ or -, at most 128)')
        .optional()
        .describe('The trace id; omit it to search by attr'),
      attr: z
        .array(z.string().max(400))
        .max(MAX_ATTR_FILTERS)
        .optional()
        .describe('Business attributes as key=value, e.g. ["user_id=U928374"]; all must match'),
      since: span('1h', 7 * DAY, '7d'),
      at: iso(`${END}; for the attr search`).optional(),
      limit: limit(10, 50),
    }),
    async run(ctx, a) {
      const t = await tenantOf(ctx, a.tenant);
      const attrs = attrsOf(a.attr);
      if (a.trace_id !== undefined) {
        return { tenant: t.code, ...(await traceView(ctx.db, { tenantId: t.id, traceId: a.trace_id, attrs })) };
      }
      if (Object.keys(attrs).length === 0) throw new ToolArgumentError('trace_id', 'give trace_id or attr');
      const s = await spanOf(ctx, t, 'samples', a, 'sampled traces');
      const traces = await tracesByAttrs(ctx.db, { tenantId: t.id, attrs, from: s.from, to: s.to, limit: a.limit });
      // The newest match resolved in full, so one call answers "what happened to user X"; the others
      // are listed for a follow-up call by trace_id.
      const first = traces[0];
      const view = first ? await traceView(ctx.db, { tenantId: t.id, traceId: first.trace_id, attrs }) : null;
      return { tenant: t.code, attrs, ...s.fields, sampled: true, traces, trace: view };
    },
  }),
  tool({
    name: 'discover',
    description:
      'What telemetry exists (every name, key and value the jobs read): ask=names in a span, keys (and top ' +
      'values) of one name, carriers (names carrying key=value), cooccurring (other keys seen with key=value).',
    input: z.strictObject({
      tenant,
      ask: z.enum(DISCOVER_ASKS).describe('namespaces | names | keys | carriers | cooccurring'),
      signal: z.enum(SIGNALS).optional().describe('metric, log or span (required for ask=keys)'),
      namespace: z.string().min(1).max(1024).optional().describe('Service / namespace (required for ask=keys)'),
      name: z
        .string()
        .min(1)
        .max(1024)
        .optional()
        .describe('Metric, span operation or log stream name (required for ask=keys)'),
      key: z.string().min(1).max(1024).optional().describe('Attribute key (required for carriers, cooccurring)'),
      value: z.string().min(1).max(1024).optional().describe('Attribute value (required for carriers, cooccurring)'),
      since: span('24h', MAX_RANGE_MS, '31d'),
      at: iso(END).optional(),
      limit: limit(50, 500),
      values: z.number().int().min(0).max(100).default(10).describe('Values per key for ask=keys (at most 100)'),
    }),
    async run(ctx, a) {
      const t = await tenantOf(ctx, a.tenant);
      const s = await spanOf(ctx, t, 'discovery', a, 'discovery data');
      const r = { tenantId: t.id, from: s.from, to: s.to };
      const head = { tenant: t.code, ask: a.ask, ...s.fields };
      const signal = a.signal ?? null;
      switch (a.ask) {
        case 'namespaces':
          return { ...head, namespaces: await discoverNamespaces(ctx.db, { ...r, signal, limit: a.limit }) };
        case 'names':
          return {
            ...head,
            names: await discoverNames(ctx.db, { ...r, signal, namespace: a.namespace ?? null, limit: a.limit }),
          };
        case 'keys': {
          const q = {
            signal: needs(a.signal, 'signal', 'keys'),
            namespace: needs(a.namespace, 'namespace', 'keys'),
            name: needs(a.name, 'name', 'keys'),
          };
          const keys = await discoverKeys(ctx.db, { ...r, ...q, key: a.key ?? null, values: a.values });
          return { ...head, ...q, keys: keys.slice(0, a.limit) };
        }
        case 'carriers': {
          const kv = { key: needs(a.key, 'key', 'carriers'), value: needs(a.value, 'value', 'carriers') };
          return { ...head, ...kv, carriers: await discoverCarriers(ctx.db, { ...r, ...kv, signal, limit: a.limit }) };
        }
        case 'cooccurring': {
          const kv = { key: needs(a.key, 'key', 'cooccurring'), value: needs(a.value, 'value', 'cooccurring') };
          const c = await discoverCooccurring(ctx.db, {
            ...r,
            ...kv,
            signal,
            namespace: a.namespace ?? null,
            name: a.name ?? null,
            limit: a.limit,
          });
          return { ...head, ...kv, ...c };
        }
      }
    },
  }),
  tool({
    name: 'kb_search',
    description:
      'Search runbooks and postmortems (full-text + trigram + semantic when configured): the best-matching ' +
      'chunks with their document, section and source. Use it for "how do I fix / what happened before".',
    input: z.strictObject({
      tenant: tenant.optional().describe("Include this tenant's documents (shared documents are always searched)"),
      query: z
        .string()
        .trim()
        .min(1)
        .max(MAX_QUERY_CHARS)
        .describe('A question or keywords, e.g. "orders database slow"'),
      urn: urn('Only documents that mention this resource').optional(),
      from: iso('Only documents dated at or after this time').optional(),
      to: iso('Only documents dated before this time').optional(),
      limit: limit(5, 20),
    }),
    async run(ctx, a) {
      const t = a.tenant === undefined ? null : await tenantOf(ctx, a.tenant);
      const kb = ctx.config.kb;
      return searchKb(
        ctx.db,
        {
          text: a.query,
          tenantId: t?.id ?? null,
          urn: a.urn ?? null,
          from: a.from === undefined ? null : Date.parse(a.from),
          to: a.to === undefined ? null : Date.parse(a.to),
          limit: a.limit,
        },
        { embedder: embedderFromConfig(kb), settings: searchSettings(kb) },
      );
    },
  }),
];
