import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { findTenant } from '../db/queries/tenant.js';
import { topologyAt } from '../db/writers/topo-edges.js';
import { extractTopology } from '../topology/extract.js';
import { formatTopologyTable, toTopologyJson } from '../topology/format.js';
import { configOption, dbOption, type DbOptions, openContext, printJson } from './context.js';

interface ExtractOptions {
  terraform?: string;
  pulumi?: string;
  snapshot?: string;
  ansible?: string;
  playbookDir?: string;
  json?: boolean;
}

export function parseInstant(text: string, what: string): number {
  const t = Date.parse(text);
  if (!Number.isFinite(t))
    throw new ConfigError(`${what}: not a time: '${text}' (use ISO-8601, e.g. 2026-01-02T03:04:05Z)`);
  return t;
}

export function registerTopo(program: Command): void {
  const topo = program.command('topo').description('topology from Terraform, Pulumi, cloud snapshots and Ansible');

  topo
    .command('extract')
    .description('print the resources and edges an input yields (touches no database)')
    .option('--terraform <file>', 'Terraform state (.tfstate) or `terraform show -json` output')
    .option('--pulumi <file>', '`pulumi stack export` output (deployment v3/v4)')
    .option('--snapshot <file>', 'cloud inventory snapshot (docs/cloud-snapshot.md)')
    .option('--ansible <path>', 'Ansible inventory (INI, YAML, or `ansible-inventory --list` JSON) or its folder')
    .option('--playbook-dir <dir>', 'with --ansible: scan plays and roles/*/templates|tasks for group references')
    .option('--json', 'print {resources, edges, skipped} as JSON')
    .action(async (opts: ExtractOptions) => {
      const x = await extractTopology({
        ...(opts.terraform ? { terraform: opts.terraform } : {}),
        ...(opts.pulumi ? { pulumi: opts.pulumi } : {}),
        ...(opts.snapshot ? { snapshot: opts.snapshot } : {}),
        ...(opts.ansible ? { ansible: opts.ansible } : {}),
        ...(opts.playbookDir ? { playbookDir: opts.playbookDir } : {}),
      });
      if (opts.json) printJson(toTopologyJson(x));
      else process.stdout.write(formatTopologyTable(x) + '\n');
    });

  topo
    .command('at')
    .description('the topology valid at an instant (edges whose validity range contains it)')
    .requiredOption('--tenant <code>', 'tenant code')
    .option('--time <iso>', 'instant (default: now)')
    .addOption(dbOption())
    .addOption(configOption())
    .option('--json', 'print the edges as JSON')
    .action(async (opts: DbOptions & { tenant: string; time?: string; json?: boolean }) => {
      const at = opts.time ? parseInstant(opts.time, '--time') : Date.now();
      const ctx = await openContext(opts);
      try {
        const tenant = await findTenant(ctx.db, { code: opts.tenant });
        if (!tenant) throw new ConfigError(`--tenant: unknown tenant '${opts.tenant}'`);
        const edges = await topologyAt(ctx.db, tenant.id, at);
        if (opts.json) printJson({ tenant: tenant.code, at: new Date(at).toISOString(), edges });
        else {
          process.stdout.write(
            `topology of ${tenant.code} at ${new Date(at).toISOString()}: ${edges.length} edge(s)\n`,
          );
          for (const e of edges)
            process.stdout.write(`${e.src} -[${e.relation}]-> ${e.dst}  (${e.origin}, since ${e.valid_from})\n`);
        }
      } finally {
        await ctx.close();
      }
    });
}
