/**
 * `observebridge case create|show|timeline|transition`: the agent's cases from the command line,
 * through the same Orchestrator as the HTTP routes (one transaction per change, same guards). The
 * process runs its own agent for the command: what the change put in the outbox is relayed before
 * it exits. Exit codes: 0 done, 1 refused (409/412/422/404), 2 bad usage.
 */
import { Command, Option } from 'commander';
import { configOption, dbOption, openContext, printJson, type DbOptions } from '../cli/context.js';
import { systemClock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { createMetrics } from '../obs/metrics.js';
import { kbLibrarian } from './librarian.js';
import { OpsAgent } from './agent.js';
import { CASE_EVENTS, isCaseEvent } from './fsm.js';
import { getCase, timeline } from './store.js';

interface CaseOptions extends DbOptions {
  json?: boolean;
}

async function withAgent<T>(opts: DbOptions, fn: (agent: OpsAgent) => Promise<T>): Promise<T> {
  const ctx = await openContext(opts);
  const agent = new OpsAgent({
    db: ctx.db,
    config: ctx.loaded.config.ops,
    logger: ctx.logger,
    registry: createMetrics({ defaultMetrics: false }).registry,
    clock: systemClock,
    librarian: kbLibrarian(ctx.db, ctx.loaded.config.kb),
  });
  try {
    await agent.start();
    const out = await fn(agent);
    await agent.settle(10_000);
    return out;
  } finally {
    await agent.stop();
    await ctx.close();
  }
}

function report(
  a: { status: number; body: Record<string, unknown> },
  json: boolean | undefined,
  human: () => string,
): void {
  if (json) printJson(a.body);
  else if (a.status >= 400)
    process.stderr.write(`case: ${String(a.body.message ?? a.body.error)} [${String(a.body.error)}]\n`);
  else process.stdout.write(human());
  process.exitCode = a.status >= 400 ? 1 : 0;
}

const common = (c: Command): Command =>
  c.addOption(dbOption()).addOption(configOption()).option('--json', 'print JSON');

export function registerCase(program: Command): void {
  const group = program.command('case').description('OPS agent cases: create, show, timeline, transition (src/ops)');

  common(group.command('create').description('open a case (NEW); --from-event opens it from an ObserveBridge event'))
    .option('--tenant <code>', 'tenant code')
    .option('--title <text>', 'what is wrong')
    .option('--from-event <event-id>', 'an event_envelope id: its tenant, title and evidence; the analysis starts')
    .option('--actor <who>', 'who opens it')
    .option('--idempotency-key <key>', 'a repeat with the same key returns the first case')
    .action(
      async (
        o: CaseOptions & {
          tenant?: string;
          title?: string;
          fromEvent?: string;
          actor?: string;
          idempotencyKey?: string;
        },
      ) => {
        if (o.fromEvent === undefined && (o.tenant === undefined || o.title === undefined))
          throw new ConfigError('case create: give --tenant and --title, or --from-event <event-id>');
        const a = await withAgent(o, (agent) =>
          o.fromEvent !== undefined
            ? agent.openFromEvent(o.fromEvent, o.actor)
            : agent.createCase({
                tenant: o.tenant!,
                title: o.title!,
                actor: o.actor,
                idempotencyKey: o.idempotencyKey,
              }),
        );
        report(a, o.json, () => `${String(a.body.data)}\n`);
      },
    );

  common(group.command('show').description('a case and its state').argument('<id>', 'case id')).action(
    async (id: string, o: CaseOptions) => {
      const a = await withAgent(o, async (agent) => {
        const c = await getCase(agent.deps.db, id).catch(() => undefined);
        return c
          ? { status: 200, body: { data: c } }
          : { status: 404, body: { error: 'case_not_found', message: `no case ${id}` } };
      });
      report(a, o.json, () => {
        const c = a.body.data as { id: string; tenant: string; title: string; status: string; version: number };
        return `${c.id}  ${c.status}  v${c.version}  ${c.tenant}  ${c.title}\n`;
      });
    },
  );

  common(group.command('timeline').description("a case's timeline").argument('<id>', 'case id')).action(
    async (id: string, o: CaseOptions) => {
      const a = await withAgent(o, async (agent) => {
        const c = await getCase(agent.deps.db, id).catch(() => undefined);
        if (!c) return { status: 404, body: { error: 'case_not_found', message: `no case ${id}` } };
        return { status: 200, body: { data: await timeline(agent.deps.db, id) } };
      });
      report(a, o.json, () =>
        (
          a.body.data as {
            created_at: string;
            version: number;
            outcome: string;
            event: string;
            from_status: string | null;
            to_status: string | null;
            actor: string | null;
            reason: string | null;
          }[]
        )
          .map(
            (r) =>
              `${r.created_at}  v${r.version}  ${r.outcome.padEnd(8)}  ${r.event.padEnd(14)}  ${r.from_status ?? ''}${r.to_status ? ` → ${r.to_status}` : ''}` +
              `${r.actor ? `  by ${r.actor}` : ''}${r.reason ? `  (${r.reason})` : ''}\n`,
          )
          .join(''),
      );
    },
  );

  common(
    group
      .command('transition')
      .description('apply one event to a case')
      .argument('<id>', 'case id')
      .argument('<event>', CASE_EVENTS.join('|')),
  )
    .option('--actor <who>')
    .option('--reason <text>')
    .option('--meta <json>', 'JSON object for the guard and the timeline (e.g. {"approver":"alice"})')
    .addOption(
      new Option('--expected-version <n>', 'refuse (409) unless the case is at this version').argParser(Number),
    )
    .option('--idempotency-key <key>')
    .action(
      async (
        id: string,
        event: string,
        o: CaseOptions & {
          actor?: string;
          reason?: string;
          meta?: string;
          expectedVersion?: number;
          idempotencyKey?: string;
        },
      ) => {
        if (!isCaseEvent(event))
          throw new ConfigError(`case transition: event: must be one of ${CASE_EVENTS.join(', ')} (got '${event}')`);
        let meta: Record<string, unknown> | undefined;
        if (o.meta !== undefined) {
          try {
            meta = JSON.parse(o.meta) as Record<string, unknown>;
          } catch {
            throw new ConfigError('case transition: --meta: must be a JSON object');
          }
          if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
            throw new ConfigError('case transition: --meta: must be a JSON object');
        }
        if (o.expectedVersion !== undefined && !(Number.isInteger(o.expectedVersion) && o.expectedVersion >= 1))
          throw new ConfigError('case transition: --expected-version: must be a positive integer');
        const a = await withAgent(o, (agent) =>
          agent.transition({
            caseId: id,
            event,
            actor: o.actor,
            reason: o.reason,
            meta,
            expectedVersion: o.expectedVersion,
            idempotencyKey: o.idempotencyKey,
          }),
        );
        report(a, o.json, () => {
          const t = a.body.transition as { from: string; to: string; version: number };
          return `${id}: ${t.from} → ${t.to} (v${t.version})\n`;
        });
      },
    );
}
