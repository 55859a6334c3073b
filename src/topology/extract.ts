import { extname } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { extractAnsible, type AnsibleOptions } from './ansible/extract-ansible.js';
import { loadAnsibleSources, readText } from './ansible/load-ansible.js';
import { mergeExtracts } from './builder.js';
import type { IacGraphOptions } from './iac/graph.js';
import { parseJsonText } from './input-error.js';
import type { TopologyExtract } from './model.js';
import { extractPulumi } from './pulumi/extract-pulumi.js';
import { extractSnapshot } from './snapshot/extract-snapshot.js';
import { extractTerraform } from './terraform/extract-terraform.js';

export interface ExtractTopologyInput {
  /** Terraform state v4/v3 (`.tfstate`, `terraform state pull`) or `terraform show -json` output. */
  terraform?: string;
  /** `pulumi stack export` output or a file-backend checkpoint (deployment v3/v4). */
  pulumi?: string;
  /** Cloud snapshot JSON (docs/cloud-snapshot.md). */
  snapshot?: string;
  /** Inventory file (INI, YAML, `ansible-inventory --list` JSON) or a directory holding one. */
  ansible?: string;
  /** Playbook directory whose plays and roles/*\/templates|tasks are scanned (with `ansible`). */
  playbookDir?: string;
  /** Overrides the inventory name used in group URNs (default: the inventory's directory name). */
  inventoryId?: string;
  ansibleOptions?: AnsibleOptions;
  iacOptions?: IacGraphOptions;
}

export type { TopologyExtract } from './model.js';

/**
 * Reads the given input files and returns their resources and edges. Touches no database.
 * Several inputs may be given at once; their extracts are merged. A malformed file throws one
 * TopologyInputError naming the file and the position.
 */
export async function extractTopology(input: ExtractTopologyInput): Promise<TopologyExtract> {
  const parts: TopologyExtract[] = [];
  if (input.terraform !== undefined) {
    const f = input.terraform;
    parts.push(extractTerraform(parseJsonText(await readText(f), f), f, input.iacOptions));
  }
  if (input.pulumi !== undefined) {
    const f = input.pulumi;
    parts.push(extractPulumi(parseJsonText(await readText(f), f), f, input.iacOptions));
  }
  if (input.snapshot !== undefined) {
    const f = input.snapshot;
    parts.push(extractSnapshot(parseJsonText(await readText(f), f), f));
  }
  if (input.ansible !== undefined) {
    parts.push(
      extractAnsible(
        await loadAnsibleSources(input.ansible, input.playbookDir, input.inventoryId),
        input.ansibleOptions,
      ),
    );
  } else if (input.playbookDir !== undefined) {
    throw new ConfigError('topo extract: --playbook-dir needs --ansible <inventory>');
  }
  if (parts.length === 0)
    throw new ConfigError('topo extract: give one of --terraform, --pulumi, --snapshot or --ansible');
  return parts.length === 1 ? (parts[0] as TopologyExtract) : mergeExtracts(parts);
}

/** Guesses which extractor a file is for (used by callers that take a bare path). */
export function guessInputKind(path: string, text: string): 'terraform' | 'pulumi' | 'snapshot' | 'ansible' {
  const ext = extname(path).toLowerCase();
  if (ext === '.tfstate') return 'terraform';
  if (ext !== '.json') return 'ansible';
  const head = text.slice(0, 4096);
  if (/"checkpoint"\s*:|"deployment"\s*:/.test(head)) return 'pulumi';
  if (/"captured_at"\s*:/.test(head) && /"resources"\s*:/.test(text)) return 'snapshot';
  if (/"format_version"\s*:|"terraform_version"\s*:|"lineage"\s*:/.test(head)) return 'terraform';
  return 'ansible';
}
