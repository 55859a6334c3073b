import type { Command } from 'commander';
import { isDuration, parseDuration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import {
  ackEvent,
  EVENT_STATUSES,
  getEvidence,
  listEvents,
  type EventStatus,
  type EventSummary,
} from '../db/queries/events.js';
import { UUID_RE } from '../db/queries/evidence.js';
import { findTenant, type TenantRow } from '../db/queries/tenant.js';
import type { Db } from '../db/types.js';
import { alignColumns, configOption, dbOption, type DbOptions, openContext, printJson } from './context.js';

/**
 * `observebridge events list|show|ack`: the events the rules opened (and those posted from outside),
 * through the same read functions as GET /api/events and /api/events/{id}/evidence, so `--json` prints
 * the API's shapes.
 */
interface EventsOptions extends DbOptions {
  tenant: string;
  json?: boolean;
}

async function withTenant(opts: EventsOptions, fn: (db: Db, tenant: TenantRow) => Promise<void>): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const tenant = await findTenant(ctx.db, { code: opts.tenant });
    if (!tenant) throw new ConfigError(`events: --tenant: no tenant '${opts.tenant}' in the database`);
    await fn(ctx.db, tenant);
  } finally {
    await ctx.close();
  }
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--tenant <code>', 'tenant code')
    .addOption(dbOption())
    .addOption(configOption())
    .option('--json', 'print one JSON document (the read API’s shape)');
}

function uuidArg(id: string): string {
  if (!UUID_RE.test(id)) throw new ConfigError(`events: <id> must be an event id (a UUID), got '${id}'`);
  return id;
}

const fmt = (n: number | null): string => (n === null ? '-' : Number(n.toPrecision(4)).toString());

function listTable(events: EventSummary[]): string {
  if (events.length === 0) return 'no events\n';
  return alignColumns([
    ['event_id', 'status', 'severity', 'rule', 'detected_at', 'last_seen', 'windows', 'peak', 'evidence', 'title'],
    ...events.map((e) => [
      e.event_id,
      e.status + (e.acked ? ' (acked)' : ''),
      e.severity,
      e.rule_id ?? e.source,
      e.detected_at,
      e.last_seen ?? '-',
      String(e.windows),
      fmt(e.peak_value),
      String(e.evidence_count),
      e.title ?? '',
    ]),
  ]);
}

export function registerEvents(program: Command): void {
  const events = program.command('events').description('events the rules opened, with their evidence chains');

  common(events.command('list'))
    .description('events of a tenant, newest first')
    .option('--status <status>', `only ${EVENT_STATUSES.join(' or ')} events`)
    .option('--since <duration>', 'only events seen in the last duration (e.g. 1h, 7d)')
    .option('--rule <id>', 'only events of this rule')
    .option('--limit <n>', 'at most this many events', '100')
    .action(async (opts: EventsOptions & { status?: string; since?: string; rule?: string; limit: string }) => {
      if (opts.status !== undefined && !EVENT_STATUSES.includes(opts.status as EventStatus)) {
        throw new ConfigError(`events: --status must be one of ${EVENT_STATUSES.join(', ')} (got '${opts.status}')`);
      }
      if (opts.since !== undefined && !isDuration(opts.since)) {
        throw new ConfigError(`events: --since must be a duration such as 1h or 7d (got '${opts.since}')`);
      }
      const limit = Number(opts.limit);
      if (!/^\d+$/.test(opts.limit) || limit < 1 || limit > 1000) {
        throw new ConfigError(`events: --limit must be a whole number from 1 to 1000 (got '${opts.limit}')`);
      }
      await withTenant(opts, async (db, tenant) => {
        const page = await listEvents(db, {
          tenantId: tenant.id,
          status: (opts.status as EventStatus | undefined) ?? null,
          since: opts.since === undefined ? null : Date.now() - parseDuration(opts.since),
          rule: opts.rule ?? null,
          limit,
        });
        if (opts.json) printJson({ tenant: tenant.code, events: page.events });
        else process.stdout.write(listTable(page.events));
      });
    });

  common(events.command('show <id>'))
    .description('one event with its evidence chain: summary rows, OO locators and their OO SQL')
    .option('--limit <n>', 'at most this many evidence links', '200')
    .action(async (id: string, opts: EventsOptions & { limit: string }) => {
      const eventId = uuidArg(id);
      await withTenant(opts, async (db, tenant) => {
        const r = await getEvidence(db, { tenantId: tenant.id, eventId, limit: Number(opts.limit) || 200, offset: 0 });
        if (!r) {
          process.stderr.write(`events: no event ${eventId} for tenant ${tenant.code}\n`);
          process.exitCode = 1;
          return;
        }
        if (opts.json) {
          printJson({ tenant: tenant.code, ...r });
          return;
        }
        const e = r.event;
        const lines = [
          `${e.event_id}  ${e.status}${e.acked ? ` (acked by ${e.acked.by ?? '?'} at ${e.acked.at})` : ''}  ${e.severity}  ${e.kind}`,
          e.title ?? '',
          ...(e.summary ? [e.summary] : []),
          `rule ${e.rule_id ?? '-'} (${e.source})  resource ${e.resource?.urn ?? '-'}`,
          `first seen ${e.first_seen ?? '-'}  last seen ${e.last_seen ?? '-'}  resolved ${e.resolved_at ?? '-'}  windows ${e.windows}  flaps ${e.flaps}  peak ${fmt(e.peak_value)}`,
          '',
          `evidence (${r.evidence.length}):`,
        ];
        for (const x of r.evidence) {
          lines.push(`  [${x.dim}] ${x.note ?? JSON.stringify(x.ref_pg)}`);
          if (x.locator) {
            lines.push(
              `      oo: ${x.locator.dataset} ${x.locator.t_from ?? ''}..${x.locator.t_to ?? ''}  ${x.locator.query_hint ?? ''}`,
            );
          }
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });

  common(events.command('ack <id>'))
    .description('acknowledge an event')
    .option('--by <name>', 'who acknowledges it')
    .option('--note <text>', 'a note kept with the acknowledgement')
    .action(async (id: string, opts: EventsOptions & { by?: string; note?: string }) => {
      const eventId = uuidArg(id);
      await withTenant(opts, async (db, tenant) => {
        const ok = await ackEvent(db, {
          tenantId: tenant.id,
          eventId,
          at: Date.now(),
          by: opts.by ?? null,
          note: opts.note ?? null,
        });
        if (!ok) {
          process.stderr.write(`events: no event ${eventId} for tenant ${tenant.code}\n`);
          process.exitCode = 1;
          return;
        }
        if (opts.json) printJson({ tenant: tenant.code, event_id: eventId, acked: true });
        else process.stdout.write(`acknowledged ${eventId}\n`);
      });
    });
}
