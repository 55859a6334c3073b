import { TopologyBuilder } from '../builder.js';
import { parseJsonText } from '../input-error.js';
import type { EdgeProps, TopologyExtract } from '../model.js';
import { ansibleGroupUrn, dbSystemForScheme, dbUrn, hostUrn } from '../urn.js';
import { isIp, type Endpoint } from './endpoints.js';
import { parseIniInventory } from './ini.js';
import { Inventory, type VarsFiles } from './inventory.js';
import { looksLikeListJson, parseListJson } from './list-json.js';
import { resolveHostPattern, rolePatterns, type TextFile } from './playbook.js';
import { scanTemplate } from './template-scan.js';
import { scanVars, varPatterns, type VarPatterns, type VarTarget } from './var-deps.js';
import { collectVarsFiles, type VarsDirListing } from './vars-files.js';
import { parseYamlInventory } from './yaml-inventory.js';
import { loadAnsibleYaml } from './yaml-load.js';

export type InventoryFormat = 'ini' | 'yaml' | 'list-json';

/** Everything the Ansible extractor reads, already loaded (see load-ansible.ts for the I/O). */
export interface AnsibleSources {
  inventory: TextFile & { format?: InventoryFormat };
  /** Names groups in URNs (`urn:ansible:group:<id>/<group>`); default: the inventory's directory name. */
  inventoryId: string;
  /** `group_vars/` and `host_vars/` next to the inventory. */
  groupVars?: VarsDirListing;
  hostVars?: VarsDirListing;
  playbook?: PlaybookSources;
}

export interface PlaybookSources {
  dir: string;
  /** Top-level playbook YAML files. */
  playbooks: TextFile[];
  roles: Map<string, { templates: TextFile[]; tasks: TextFile[]; meta?: TextFile }>;
  /** `group_vars/` and `host_vars/` next to the playbooks (when it is not the inventory's directory). */
  groupVars?: VarsDirListing;
  hostVars?: VarsDirListing;
}

export interface AnsibleOptions {
  /** Variable-name patterns for dependencies (strings are case-insensitive regexes). */
  varPatterns?: Partial<Record<keyof VarPatterns, string | RegExp>>;
  /** Also emit MEMBER_OF edges to the implicit groups `all` and `ungrouped`. Default false. */
  includeImplicitGroups?: boolean;
}

export function detectInventoryFormat(file: string, text: string): InventoryFormat {
  if (/\.json$/i.test(file)) return 'list-json';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  return text.trimStart().startsWith('{') ? 'list-json' : 'ini';
}

/** Parses the inventory file in whichever format it has. */
export function parseInventory(src: TextFile & { format?: InventoryFormat }): Inventory {
  const format = src.format ?? detectInventoryFormat(src.file, src.text);
  let inv: Inventory;
  const file = src.path ?? src.file;
  if (format === 'ini') inv = parseIniInventory(src.text, file);
  else if (format === 'yaml') inv = parseYamlInventory(loadAnsibleYaml(src.text, file), file);
  else {
    const data = parseJsonText(src.text, file);
    inv = looksLikeListJson(data) ? parseListJson(data, file) : parseYamlInventory(data, file);
  }
  inv.reconcile();
  return inv;
}

/**
 * Ansible inventory (+ group_vars/host_vars, + optional playbook directory) -> hosts, groups,
 * MEMBER_OF edges, and application dependencies read from variables and role templates.
 */
export function extractAnsible(src: AnsibleSources, options: AnsibleOptions = {}): TopologyExtract {
  const b = new TopologyBuilder('ansible');
  const warn = (m: string): void => b.warn(m);
  const inv = parseInventory(src.inventory);
  const files: VarsFiles[] = [collectVarsFiles(src.groupVars, src.hostVars, warn)];
  if (src.playbook?.groupVars !== undefined || src.playbook?.hostVars !== undefined)
    files.push(collectVarsFiles(src.playbook.groupVars, src.playbook.hostVars, warn));
  const implicit = options.includeImplicitGroups === true;
  const patterns = varPatterns(options.varPatterns);
  const id = src.inventoryId;

  const effective = new Map([...inv.hosts.keys()].map((h) => [h, inv.effectiveVars(h, files)]));
  // ansible_host aliases let a dependency on an IP or DNS name land on the inventory host.
  const byAddress = new Map<string, string>();
  for (const [h, { vars }] of effective) {
    const a = vars.ansible_host;
    if (typeof a === 'string' && a !== '') byAddress.set(a.toLowerCase(), h);
  }
  const byName = new Map([...inv.hosts.keys()].map((h) => [h.toLowerCase(), h]));

  for (const [h, { vars }] of effective) {
    const labels: Record<string, string> = {
      'ansible.inventory': id,
      'ansible.groups': [...(inv.hosts.get(h)?.groups ?? [])].sort().join(','),
    };
    const str = (k: string): string | undefined =>
      typeof vars[k] === 'string' && vars[k] !== '' ? (vars[k] as string) : undefined;
    const aliases = [str('ansible_host')].filter((x): x is string => x !== undefined);
    b.addResource({
      urn: hostUrn(h),
      type: 'host',
      name: h,
      env: str('env') ?? str('environment'),
      region: str('region'),
      zone: str('zone'),
      labels,
      aliases,
    });
  }
  for (const g of inv.groups.values()) {
    if (!implicit && (g.name === 'all' || g.name === 'ungrouped')) continue;
    b.addResource({
      urn: ansibleGroupUrn(id, g.name),
      type: 'ansible_group',
      name: g.name,
      labels: { 'ansible.inventory': id },
    });
    for (const h of g.hosts) b.addEdge(hostUrn(h), ansibleGroupUrn(id, g.name), 'MEMBER_OF', { source: 'ansible' });
    for (const c of g.children) {
      if (!implicit && c === 'ungrouped') continue;
      b.addEdge(ansibleGroupUrn(id, c), ansibleGroupUrn(id, g.name), 'MEMBER_OF', { source: 'ansible' });
    }
  }
  b.count('hosts', inv.hosts.size);

  const resolveName = (name: string): string | undefined =>
    byName.get(name.toLowerCase()) ?? byAddress.get(name.toLowerCase());

  // Dependencies named by variables.
  for (const [h, { vars, origin }] of effective) {
    const scan = scanVars(vars, patterns);
    if (scan.unresolvedJinja.length > 0) b.count('vars_unresolved_jinja', scan.unresolvedJinja.length);
    if (scan.buildInputs.length > 0) b.count('vars_build_inputs_skipped', scan.buildInputs.length);
    for (const dep of scan.deps) {
      const top = dep.variable.split('.')[0] as string;
      const props: EdgeProps = {
        source: 'ansible-vars',
        var: dep.variable,
        origin: origin[top] ?? 'inventory',
        confidence: dep.confidence,
      };
      for (const t of targetsOf(dep.target, inv, resolveName)) {
        if (t.kind === 'host') {
          if (t.host === h) {
            b.count('listen_facts');
            continue;
          }
          const p: EdgeProps = { ...props, ...endpointProps(t.endpoint, dep.port) };
          b.addEdge(hostUrn(h), hostUrn(t.host), 'CONNECTS_TO', p);
        } else {
          const e = t.endpoint;
          if (!e.host.includes('.') && !isIp(e.host)) {
            // A bare word that names no inventory host is more likely a service or package name.
            b.count('vars_unresolved_names');
            continue;
          }
          const system = e.scheme === undefined ? undefined : dbSystemForScheme(e.scheme);
          const urn = system !== undefined ? dbUrn(system, e.host, e.database) : hostUrn(e.host);
          b.addResource({
            urn,
            type: system !== undefined ? 'database' : 'host',
            name: system !== undefined && e.database !== undefined ? `${e.host}/${e.database}` : e.host,
            labels: { external: 'true' },
            aliases: [e.host],
          });
          b.addEdge(hostUrn(h), urn, 'CONNECTS_TO', { ...props, ...endpointProps(e, dep.port), external: true });
        }
      }
    }
  }

  if (src.playbook !== undefined) addRoleEdges(b, src.playbook, inv, effective, resolveName);
  return b.build();
}

type Resolved = { kind: 'host'; host: string; endpoint: Endpoint } | { kind: 'external'; endpoint: Endpoint };

function targetsOf(t: VarTarget, inv: Inventory, resolveName: (n: string) => string | undefined): Resolved[] {
  if (t.kind === 'group') {
    const members = inv.membersOf(t.group);
    const picked = t.index === undefined ? members : [members.at(t.index)].filter((x): x is string => x !== undefined);
    return picked.map((h) => ({ kind: 'host', host: h, endpoint: { host: h } }));
  }
  if (t.kind === 'host') {
    const h = resolveName(t.host);
    return h === undefined ? [] : [{ kind: 'host', host: h, endpoint: { host: h } }];
  }
  const h = resolveName(t.endpoint.host);
  return h === undefined
    ? [{ kind: 'external', endpoint: t.endpoint }]
    : [{ kind: 'host', host: h, endpoint: t.endpoint }];
}

function endpointProps(e: Endpoint, fallbackPort: number | undefined): EdgeProps {
  const p: EdgeProps = {};
  const port = e.port ?? fallbackPort;
  if (port !== undefined) p.ports = [`tcp/${port}`];
  if (e.scheme !== undefined) p.scheme = e.scheme;
  if (e.database !== undefined) p.database = e.database;
  return p;
}

function addRoleEdges(
  b: TopologyBuilder,
  pb: PlaybookSources,
  inv: Inventory,
  effective: Map<string, { vars: Record<string, unknown> }>,
  resolveName: (n: string) => string | undefined,
): void {
  const metas = new Map<string, TextFile>();
  for (const [r, files] of pb.roles) if (files.meta !== undefined) metas.set(r, files.meta);
  const patterns = rolePatterns(pb.playbooks, metas);
  for (const [role, pats] of patterns) {
    const files = pb.roles.get(role);
    if (files === undefined) {
      b.count('roles_not_found');
      continue;
    }
    const hosts = new Set(pats.flatMap((p) => resolveHostPattern(p, inv)));
    if (hosts.size === 0) continue;
    const scans = [
      ...files.templates.map((f) => ({ f, kind: 'template' as const })),
      ...files.tasks.map((f) => ({ f, kind: 'task' as const })),
    ];
    for (const { f, kind } of scans) {
      const { refs, unresolved } = scanTemplate(f.text, kind);
      if (unresolved > 0) b.count('role_refs_unresolved', unresolved);
      for (const ref of refs) {
        if (!inv.groups.has(ref.group)) {
          b.count('role_refs_unknown_group');
          continue;
        }
        const members = inv.membersOf(ref.group);
        const targets =
          ref.index === undefined ? members : [members.at(ref.index)].filter((x): x is string => x !== undefined);
        for (const h of hosts) {
          const vars = effective.get(h)?.vars ?? {};
          const ports = [...ref.ports];
          for (const v of ref.portVars) {
            const n = Number(vars[v]);
            if (Number.isInteger(n) && n > 0 && n <= 65535) ports.push(n);
          }
          const props: EdgeProps = {
            source: kind === 'template' ? 'ansible-template' : 'ansible-task',
            file: f.file,
            role,
            group: ref.group,
            inferred: true,
          };
          if (ports.length > 0) props.ports = ports.map((p) => `tcp/${p}`);
          for (const t of targets) {
            const target = resolveName(t) ?? t;
            if (target === h) continue;
            b.addEdge(hostUrn(h), hostUrn(target), ref.connection ? 'CONNECTS_TO' : 'DEPENDS_ON', props);
          }
        }
      }
    }
  }
}
