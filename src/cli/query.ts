import type { Command } from 'commander';
import { isDuration, parseDuration } from '../core/duration.js';
import { ConfigError, ObserveBridgeError } from '../core/errors.js';
import { spanNote } from '../db/queries/data-span.js';
import { dependencyReport, type DependencyReport } from '../db/queries/dependencies.js';
import { getEvidence } from '../db/queries/events.js';
import { UUID_RE, type EventEvidence } from '../db/queries/evidence.js';
import { findTenant, type TenantRow } from '../db/queries/tenant.js';
import { topologyAt, type TopoCursor, type TopoEdge } from '../db/queries/topology.js';
import type { Db } from '../db/types.js';
import { alignColumns, configOption, dbOption, type DbOptions, openContext, printJson } from './context.js';
import { registerCorrelationQueries } from './query-correlation.js';

/**
 * `observebridge query deps|evidence|topo`: the typical queries of the read API from the command
 * line, through the same wrappers (src/db/queries/), so `--json` prints what the HTTP API returns.
 */
export interface QueryOptions extends DbOptions {
  tenant: string;
  json?: boolean;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function instantOption(name: string, text: string | undefined, dflt: number): number {
  if (text === undefined) return dflt;
  const t = Date.parse(text);
  if (!ISO_RE.test(text) || !Number.isFinite(t)) {
    throw new ConfigError(
      `query: ${name} must be an ISO 8601 time with a zone, e.g. 2026-06-10T06:00:00Z (got '${text}')`,
    );
  }
  return t;
}

export function intOption(name: string, text: string | undefined, dflt: number, min: number, max: number): number {
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new ConfigError(`query: ${name} must be a whole number from ${min} to ${max} (got '${text}')`);
  }
  return n;
}

export async function withTenant(opts: QueryOptions, fn: (db: Db, tenant: TenantRow) => Promise<void>): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const tenant = await findTenant(ctx.db, { code: opts.tenant });
    if (!tenant) throw new ConfigError(`query: --tenant: no tenant '${opts.tenant}' in the database`);
    await fn(ctx.db, tenant);
  } finally {
    await ctx.close();
  }
}

export function common(cmd: Command): Command {
  return cmd
    .requiredOption('--tenant <code>', 'tenant code')
    .addOption(dbOption())
    .addOption(configOption())
    .option('--json', 'print one JSON document (the read API’s shape)');
}

const fmt = (n: number | null, digits = 1): string => (n === null ? '-' : Number(n.toFixed(digits)).toString());

function depsTable(r: DependencyReport): string {
  const head = `${spanNote(r, 'call data')}\n`;
  if (r.dependencies.length === 0) {
    const hint = r.newest_data === null ? '' : `; try --at ${r.newest_data} or a longer --since`;
    return `${head}no calls from this service in the span${hint}\n`;
  }
  return (
    head +
    alignColumns([
      ['dependency', 'p95_ms', 'err_rate', 'calls', 'rps'],
      ...r.dependencies.map((d) => [
        d.dst,
        fmt(d.p95_ms),
        `${fmt(d.err_rate * 100, 2)}%`,
        String(d.calls),
        fmt(d.rps, 3),
      ]),
    ])
  );
}

function evidenceText(r: EventEvidence): string {
  const e = r.event;
  const head = `${e.event_id}  ${e.severity}  ${e.kind}  ${e.detected_at}\n${e.title ?? ''}${e.resource ? `  (${e.resource.urn})` : ''}\n`;
  if (r.evidence.length === 0) return `${head}no evidence links\n`;
  return (
    head +
    alignColumns([
      ['dim', 'ref_pg', 'oo bucket', 'object_key', 'query_hint'],
      ...r.evidence.map((x) => [
        x.dim,
        x.ref_pg === null ? '-' : JSON.stringify(x.ref_pg),
        x.locator?.bucket ?? '-',
        x.locator?.object_key ?? '-',
        x.locator?.query_hint ?? '-',
      ]),
    ])
  );
}

function topoTable(edges: TopoEdge[]): string {
  if (edges.length === 0) return 'no topology edge valid at this time\n';
  return alignColumns([
    ['src', 'dst', 'relation', 'origin', 'since'],
    ...edges.map((e) => [e.src, e.dst, e.relation, e.origin, e.valid_from ?? '-']),
  ]);
}

export function registerQuery(program: Command): void {
  const query = program
    .command('query')
    .description('the typical read queries (dependencies, evidence, topology, trace correlation)');

  common(
    query
      .command('deps <urn>')
      .description('slowest / most failing downstream dependencies of a service (typical query 1)')
      .option('--since <duration>', 'span before now', '30m')
      .option('--limit <n>', 'how many', '5')
      .option(
        '--at <iso>',
        'the span ends here (default: now, or the end of the newest data when now’s span is empty)',
      ),
  ).action(async (urn: string, opts: QueryOptions & { since: string; limit: string; at?: string }) => {
    if (!isDuration(opts.since) || parseDuration(opts.since) <= 0 || parseDuration(opts.since) > 86_400_000) {
      throw new ConfigError(`query: --since must be a duration from 1s to 24h, such as 30m (got '${opts.since}')`);
    }
    const since = parseDuration(opts.since);
    const limit = intOption('--limit', opts.limit, 5, 1, 100);
    const at = opts.at === undefined ? null : instantOption('--at', opts.at, 0);
    await withTenant(opts, async (db, t) => {
      const r = await dependencyReport(db, { tenant: t, urn, since, limit, now: Date.now(), at });
      if (opts.json) printJson(r);
      else process.stdout.write(depsTable(r));
    });
  });

  common(
    query
      .command('evidence <event-id>')
      .description('an event with its evidence links and their OO locators (typical query 2)'),
  ).action(async (eventId: string, opts: QueryOptions) => {
    if (!UUID_RE.test(eventId)) throw new ConfigError(`query: <event-id> must be a UUID (got '${eventId}')`);
    await withTenant(opts, async (db, t) => {
      const page = 1000;
      const r = await getEvidence(db, { tenantId: t.id, eventId, limit: page, offset: 0 });
      if (!r) throw new ObserveBridgeError('not_found', `query: no event ${eventId} for tenant '${t.code}'`);
      // Every link, a page at a time (the API pages; the CLI prints the whole event).
      for (let offset = page, last = r.evidence.length; last === page; offset += page) {
        const more = await getEvidence(db, { tenantId: t.id, eventId, limit: page, offset });
        last = more?.evidence.length ?? 0;
        r.evidence.push(...(more?.evidence ?? []));
      }
      if (opts.json) printJson({ tenant: t.code, ...r });
      else process.stdout.write(evidenceText(r));
    });
  });

  common(
    query
      .command('topo')
      .description('the topology valid at a time (typical query 3)')
      .option('--at <iso>', 'the time (default: now)'),
  ).action(async (opts: QueryOptions & { at?: string }) => {
    const at = instantOption('--at', opts.at, Date.now());
    await withTenant(opts, async (db, t) => {
      const edges: TopoEdge[] = [];
      let after: TopoCursor | null = null;
      do {
        const page = await topologyAt(db, { tenantId: t.id, at, limit: 5000, after });
        edges.push(...page.edges);
        after = page.next;
      } while (after);
      if (opts.json) printJson({ tenant: t.code, at: new Date(at).toISOString(), edges });
      else process.stdout.write(topoTable(edges));
    });
  });

  registerCorrelationQueries(query);
}
