import type { Inventory } from './inventory.js';
import { loadAnsibleYaml } from './yaml-load.js';

export interface TextFile {
  /** Name used in provenance (relative to the playbook directory). */
  file: string;
  /** Where it is, for error messages (defaults to `file`). */
  path?: string;
  text: string;
}

/**
 * Which roles run on which host patterns, read from the plays of a playbook directory
 * (`- hosts: lbservers\n  roles: [haproxy]`, also `include_role`/`import_role` tasks) and from
 * role dependencies (`roles/x/meta/main.yml`). YAML files that are not lists of plays are ignored.
 */
export function rolePatterns(
  playbooks: readonly TextFile[],
  roleMeta: ReadonlyMap<string, TextFile>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (role: string, pattern: string): void => {
    const l = out.get(role) ?? [];
    if (!l.includes(pattern)) l.push(pattern);
    out.set(role, l);
  };
  for (const pb of playbooks) {
    const data = loadAnsibleYaml(pb.text, pb.path ?? pb.file);
    if (!Array.isArray(data)) continue;
    for (const play of data) {
      if (typeof play !== 'object' || play === null || Array.isArray(play)) continue;
      const p = play as Record<string, unknown>;
      const hosts = Array.isArray(p.hosts)
        ? p.hosts.filter((h): h is string => typeof h === 'string').join(',')
        : typeof p.hosts === 'string'
          ? p.hosts
          : undefined;
      if (hosts === undefined) continue;
      for (const r of Array.isArray(p.roles) ? p.roles : []) {
        const name = roleName(r);
        if (name !== undefined) add(name, hosts);
      }
      for (const section of ['pre_tasks', 'tasks', 'post_tasks']) {
        for (const t of Array.isArray(p[section]) ? (p[section] as unknown[]) : []) {
          if (typeof t !== 'object' || t === null) continue;
          for (const [k, v] of Object.entries(t)) {
            if (!/(?:^|\.)(?:include_role|import_role)$/.test(k)) continue;
            const name = roleName(v);
            if (name !== undefined) add(name, hosts);
          }
        }
      }
    }
  }
  // A role's dependencies run wherever the role runs.
  const deps = new Map<string, string[]>();
  for (const [role, meta] of roleMeta) {
    const data = loadAnsibleYaml(meta.text, meta.path ?? meta.file);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) continue;
    const d = (data as Record<string, unknown>).dependencies;
    deps.set(
      role,
      (Array.isArray(d) ? d : []).map(roleName).filter((x): x is string => x !== undefined),
    );
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const [role, ds] of deps) {
      for (const dep of ds) {
        for (const pat of out.get(role) ?? []) {
          const before = out.get(dep)?.length ?? 0;
          add(dep, pat);
          if ((out.get(dep)?.length ?? 0) > before) changed = true;
        }
      }
    }
  }
  return out;
}

function roleName(r: unknown): string | undefined {
  if (typeof r === 'string') return r.includes('{{') ? undefined : r.split('/').pop();
  if (typeof r === 'object' && r !== null) {
    const o = r as Record<string, unknown>;
    const n = o.role ?? o.name;
    return typeof n === 'string' && !n.includes('{{') ? n.split('/').pop() : undefined;
  }
  return undefined;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/**
 * Hosts matched by a play's `hosts:` pattern: names of groups or hosts, `all`/`*`, globs,
 * `~regex`, unions (`a:b`, `a,b`), intersections (`&b`) and exclusions (`!b`).
 */
export function resolveHostPattern(pattern: string, inv: Inventory): string[] {
  if (pattern.includes('{{')) return [];
  const terms = pattern
    .split(pattern.includes(',') ? ',' : ':')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const match = (term: string): string[] => {
    if (term === 'all' || term === '*') return [...inv.hosts.keys()];
    if (inv.groups.has(term)) return inv.membersOf(term);
    if (inv.hosts.has(term)) return [term];
    const re = term.startsWith('~')
      ? new RegExp(term.slice(1))
      : term.includes('*') || term.includes('?')
        ? globToRegExp(term)
        : undefined;
    if (re === undefined) return [];
    const hosts = new Set<string>();
    for (const g of inv.groups.keys()) if (re.test(g)) for (const h of inv.membersOf(g)) hosts.add(h);
    for (const h of inv.hosts.keys()) if (re.test(h)) hosts.add(h);
    return [...hosts];
  };
  let result: string[] = [];
  for (const t of terms)
    if (!t.startsWith('&') && !t.startsWith('!')) for (const h of match(t)) if (!result.includes(h)) result.push(h);
  for (const t of terms) {
    if (t.startsWith('&')) {
      const keep = new Set(match(t.slice(1)));
      result = result.filter((h) => keep.has(h));
    }
  }
  for (const t of terms) {
    if (t.startsWith('!')) {
      const drop = new Set(match(t.slice(1)));
      result = result.filter((h) => !drop.has(h));
    }
  }
  return result;
}
