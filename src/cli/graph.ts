import { type Command, Option } from 'commander';
import type { ParsedConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import { parseAgeRefreshOptions } from '../db/graph/options.js';
import {
  GraphQueryError,
  graphImpact,
  graphPath,
  graphShow,
  type GraphBackendChoice,
  type GraphEdge,
  type GraphReadOptions,
  type ImpactNode,
} from '../db/graph/queries.js';
import { configOption, dbOption, type DbOptions, openContext, printJson } from './context.js';

interface CommonOptions extends DbOptions {
  tenant: string;
  json?: boolean;
  backend?: GraphBackendChoice;
}

/** The graph name the refresh writes for this tenant (jobs.age-refresh.options, tenant override first). */
function readOptions(config: ParsedConfig, opts: CommonOptions): GraphReadOptions {
  const tenantJobs = config.tenants.find((t) => t.code === opts.tenant)?.jobs?.['age-refresh']?.options;
  const merged = { ...(config.jobs['age-refresh']?.options ?? {}), ...(tenantJobs ?? {}) };
  return { backend: opts.backend ?? 'auto', graph: parseAgeRefreshOptions(merged).graph };
}

function intOption(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new ConfigError(`graph: ${name} must be a whole number (got '${v}')`);
    return Number(v);
  };
}

/** Opens the database, runs the query, maps a query on something unknown to exit code 2. */
async function withGraph(
  opts: CommonOptions,
  fn: (ctx: Awaited<ReturnType<typeof openContext>>, read: GraphReadOptions) => Promise<void>,
) {
  const ctx = await openContext(opts);
  try {
    await fn(ctx, readOptions(ctx.loaded.config, opts));
  } catch (e) {
    if (!(e instanceof GraphQueryError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 2;
  } finally {
    await ctx.close();
  }
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--tenant <code>', 'tenant code')
    .addOption(dbOption())
    .addOption(configOption())
    .option('--json', 'print one JSON document')
    .addOption(
      new Option('--backend <backend>', 'read the AGE graph or the relational table')
        .choices(['auto', 'relational', 'age'])
        .default('auto'),
    );
}

const fmt = (n: number | null, digits = 3): string => (n === null ? '-' : Number(n.toFixed(digits)).toString());

function edgeLine(e: GraphEdge): string {
  return `${e.src} → ${e.dst}  calls=${e.calls} rps=${fmt(e.rps)} err=${fmt(e.err_rate * 100, 2)}% p95=${fmt(e.p95_ms, 1)}ms first_seen=${e.first_seen}`;
}

function impactLines(title: string, nodes: ImpactNode[] | undefined): string[] {
  if (!nodes) return [];
  if (nodes.length === 0) return [`${title}: none`];
  return [`${title}:`, ...nodes.map((n) => `  ${String(n.hops).padStart(2)}  ${n.urn}  (${n.type})`)];
}

export function registerGraph(program: Command): void {
  const graph = program
    .command('graph')
    .description('query the active call graph (the calls of the last 10 minutes, refreshed by age-refresh)');

  common(graph.command('impact'))
    .description('what calls a resource (upstream) and what it depends on (downstream), within k hops')
    .requiredOption('--urn <urn>', 'the resource')
    .option('--hops <k>', 'at most this many calls away (1-10)', intOption('--hops'), 3)
    .addOption(new Option('--direction <dir>', 'only callers (up) or only dependencies (down)').choices(['up', 'down']))
    .action(async (opts: CommonOptions & { urn: string; hops: number; direction?: 'up' | 'down' }) => {
      await withGraph(opts, async (ctx, read) => {
        const r = await graphImpact(
          ctx.db,
          { tenant: opts.tenant, urn: opts.urn, hops: opts.hops, direction: opts.direction ?? 'both' },
          read,
        );
        if (opts.json) return printJson(r);
        const lines = [
          ...impactLines(`upstream of ${r.urn} (callers within ${r.hops} hops)`, r.upstream),
          ...impactLines(`downstream of ${r.urn} (dependencies within ${r.hops} hops)`, r.downstream),
        ];
        process.stdout.write(lines.join('\n') + '\n');
      });
    });

  common(graph.command('path'))
    .description('the shortest call path between two resources over active calls')
    .requiredOption('--from <urn>', 'where the path starts (the caller)')
    .requiredOption('--to <urn>', 'where it ends')
    .option('--max-hops <n>', 'longest path searched (1-32)', intOption('--max-hops'), 10)
    .action(async (opts: CommonOptions & { from: string; to: string; maxHops: number }) => {
      await withGraph(opts, async (ctx, read) => {
        const r = await graphPath(
          ctx.db,
          { tenant: opts.tenant, from: opts.from, to: opts.to, maxHops: opts.maxHops },
          read,
        );
        if (opts.json) return printJson(r);
        if (r.hops === null) {
          process.stdout.write(`no active call path from ${r.from} to ${r.to} within ${opts.maxHops} hops\n`);
          return;
        }
        const lines = [
          `${r.nodes.map((n) => n.urn).join(' → ')}  (${r.hops} hops)`,
          ...r.edges.map((e) => `  ${edgeLine(e)}`),
        ];
        process.stdout.write(lines.join('\n') + '\n');
      });
    });

  common(graph.command('show'))
    .description('the active graph of a tenant: nodes and CALLS edges with their 10-minute figures')
    .option('--with-topology', 'also list the mirrored topology edges (:STRUCT)')
    .action(async (opts: CommonOptions & { withTopology?: boolean }) => {
      await withGraph(opts, async (ctx, read) => {
        const r = await graphShow(ctx.db, { tenant: opts.tenant, withTopology: opts.withTopology ?? false }, read);
        if (opts.json) return printJson(r);
        const lines = [
          `tenant ${r.tenant}: ${r.nodes.length} nodes, ${r.edges.length} active call edges`,
          ...r.edges.map(edgeLine),
        ];
        for (const s of r.struct_edges ?? []) lines.push(`${s.src} -[${s.relation}]-> ${s.dst}`);
        process.stdout.write(lines.join('\n') + '\n');
      });
    });
}
