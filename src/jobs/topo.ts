import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TenantConfig } from '../config/schema.js';
import type { Tenant } from '../core/tenant.js';
import type { Window } from '../core/window.js';
import { applyTopology, type TopoApplyResult } from '../db/writers/topo-edges.js';
import { enterWindowWrite } from '../db/writers/chunk-gate.js';
import { extractTopology, type ExtractTopologyInput } from '../topology/extract.js';
import { mergeExtracts } from '../topology/builder.js';
import type { TopologyExtract } from '../topology/model.js';
import type { JobContext, JobDefinition, JobResult } from './job.js';

const MINUTE = 60_000;

type Origin = 'terraform' | 'pulumi' | 'snapshot' | 'ansible';
type TopologyInputs = NonNullable<TenantConfig['topology']>;

/** A configured path: a file, or a folder whose state/JSON files are all read (sorted, for determinism). */
export function expandPaths(paths: readonly string[], exts: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      // a missing file is reported by the extractor with its name
    }
    if (!isDir) out.push(p);
    else for (const f of readdirSync(p).sort()) if (exts.some((e) => f.endsWith(e))) out.push(join(p, f));
  }
  return out;
}

async function extractAll(origin: Origin, paths: string[], playbookDir: string | undefined): Promise<TopologyExtract> {
  const parts: TopologyExtract[] = [];
  for (const path of paths) {
    const input: ExtractTopologyInput =
      origin === 'ansible' ? { ansible: path, ...(playbookDir ? { playbookDir } : {}) } : { [origin]: path };
    parts.push(await extractTopology(input));
  }
  return parts.length === 1 ? parts[0]! : mergeExtracts(parts);
}

function tenantTopology(ctx: JobContext, tenant: Tenant): TopologyInputs | undefined {
  return ctx.config.tenants.find((t) => t.code === tenant.code)?.topology;
}

const EXTS: Record<Origin, string[]> = {
  terraform: ['.tfstate', '.json'],
  pulumi: ['.json'],
  snapshot: ['.json'],
  ansible: ['.ini', '.yml', '.yaml', '.json', 'hosts'],
};

/**
 * One topology job: for each origin it owns that the tenant configures, extract the current edges and
 * apply the temporal diff for that origin only — a Terraform run never closes Ansible's edges. An
 * origin with no configured input is left alone; a configured but empty input closes its edges.
 * The window's end is the instant recorded, so a replay writes the same ranges.
 */
function topologyJob(name: string, align: number, origins: readonly Origin[]): JobDefinition {
  return {
    name,
    align,
    delay: 0,
    alignMultipleOf: MINUTE,
    sequential: true,
    async run(ctx: JobContext, tenant: Tenant, w: Window): Promise<JobResult> {
      const cfg = tenantTopology(ctx, tenant) ?? {};
      const extracts: [Origin, TopologyExtract][] = [];
      for (const origin of origins) {
        const paths = cfg[origin];
        if (!paths || paths.length === 0) continue;
        extracts.push([origin, await extractAll(origin, expandPaths(paths, EXTS[origin]), cfg.playbook_dir)]);
      }
      return ctx.db.transaction(async (tx) => {
        // It writes dim_resource, which the hypertables reference: it queues behind a window that
        // creates a chunk (src/db/writers/chunk-gate.ts).
        await enterWindowWrite(tx);
        const applied: Record<string, TopoApplyResult & { resources: number; skipped: Record<string, number> }> = {};
        for (const [origin, x] of extracts) {
          applied[origin] = {
            ...(await applyTopology(tx, tenant.id, origin, x, w.to)),
            resources: x.resources.length,
            skipped: x.skipped,
          };
        }
        const sum = (k: 'opened' | 'closed' | 'kept') => Object.values(applied).reduce((a, b) => a + b[k], 0);
        const result: JobResult = {
          opened: sum('opened'),
          closed: sum('closed'),
          kept: sum('kept'),
          origins: applied,
          rowsWritten: { topo_edge_time: sum('opened') + sum('closed') },
        };
        await ctx.complete(tx, result);
        return result;
      });
    },
  };
}

/** topo-iac (15m): Terraform state / show -json, Pulumi exports and cloud snapshots. */
export const topoIacJob = (): JobDefinition =>
  topologyJob('topo-iac', 15 * MINUTE, ['terraform', 'pulumi', 'snapshot']);
/** topo-ansible (1h): Ansible inventories, vars and playbook role templates. */
export const topoAnsibleJob = (): JobDefinition => topologyJob('topo-ansible', 60 * MINUTE, ['ansible']);
