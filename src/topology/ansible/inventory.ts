/**
 * An Ansible inventory as ansible-core 2.14 builds it (InventoryData): groups with hosts,
 * children and inline vars; hosts with inline vars. `reconcile()` applies the same fix-ups
 * (parentless groups become children of `all`, hosts in no group go to `ungrouped`), and
 * `effectiveVars()` merges variables in ansible's default precedence.
 */
export type VarValue = unknown;
export type Vars = Record<string, VarValue>;

export interface Group {
  name: string;
  hosts: string[];
  children: string[];
  parents: string[];
  vars: Vars;
}

export interface Host {
  name: string;
  vars: Vars;
  /** Groups that list the host directly. */
  groups: string[];
}

export class InventoryCycleError extends Error {}

/** Variables loaded by the host_group_vars plugin, per entity, in load order. */
export interface VarsFiles {
  /** group name -> [{file, vars}] */
  groups: Map<string, { file: string; vars: Vars }[]>;
  hosts: Map<string, { file: string; vars: Vars }[]>;
}

export function emptyVarsFiles(): VarsFiles {
  return { groups: new Map(), hosts: new Map() };
}

export class Inventory {
  readonly groups = new Map<string, Group>();
  readonly hosts = new Map<string, Host>();

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string): Group {
    let g = this.groups.get(name);
    if (g === undefined) {
      g = { name, hosts: [], children: [], parents: [], vars: {} };
      this.groups.set(name, g);
    }
    return g;
  }

  addHost(name: string, group?: string): Host {
    let h = this.hosts.get(name);
    if (h === undefined) {
      h = { name, vars: {}, groups: [] };
      this.hosts.set(name, h);
    }
    if (group !== undefined) {
      const g = this.addGroup(group);
      if (!g.hosts.includes(name)) g.hosts.push(name);
      if (!h.groups.includes(group)) h.groups.push(group);
    }
    return h;
  }

  addChild(parent: string, child: string): void {
    const p = this.addGroup(parent);
    const c = this.addGroup(child);
    if (parent === child || this.#isAncestor(child, parent)) {
      throw new InventoryCycleError(
        `Adding group '${child}' as child to '${parent}' creates a recursive dependency loop.`,
      );
    }
    if (!p.children.includes(child)) p.children.push(child);
    if (!c.parents.includes(parent)) c.parents.push(parent);
  }

  /** Whether `a` is `b` or an ancestor of... i.e. `b` is reachable from `a` by children. */
  #isAncestor(a: string, b: string): boolean {
    const seen = new Set<string>();
    const stack = [a];
    while (stack.length > 0) {
      const x = stack.pop() as string;
      if (x === b) return true;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...(this.groups.get(x)?.children ?? []));
    }
    return false;
  }

  setGroupVar(group: string, key: string, value: VarValue): void {
    this.addGroup(group).vars[key] = value;
  }

  setHostVar(host: string, key: string, value: VarValue): void {
    this.addHost(host).vars[key] = value;
  }

  reconcile(): void {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name);
    }
    const ungrouped = this.addGroup('ungrouped');
    for (const h of this.hosts.values()) {
      const others = h.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
      if (h.groups.includes('ungrouped')) {
        if (others.length > 0) {
          ungrouped.hosts = ungrouped.hosts.filter((x) => x !== h.name);
          h.groups = h.groups.filter((g) => g !== 'ungrouped');
        }
      } else if (others.length === 0) {
        this.addHost(h.name, 'ungrouped');
      }
    }
  }

  /** Every group the host belongs to, directly or through children (`all` included). */
  groupsOf(host: string): Set<string> {
    const out = new Set<string>(['all']);
    const stack = [...(this.hosts.get(host)?.groups ?? [])];
    while (stack.length > 0) {
      const g = stack.pop() as string;
      if (out.has(g) && g !== 'all') continue;
      out.add(g);
      stack.push(...(this.groups.get(g)?.parents ?? []));
    }
    return out;
  }

  /** Hosts of a group and of all its descendants, in inventory order, without duplicates. */
  membersOf(group: string): string[] {
    if (group === 'all') return [...this.hosts.keys()];
    const out = new Set<string>();
    const seen = new Set<string>();
    const visit = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      const g = this.groups.get(name);
      if (g === undefined) return;
      for (const h of g.hosts) out.add(h);
      for (const c of g.children) visit(c);
    };
    visit(group);
    return [...out];
  }

  /** Distance from `all` along the longest parent chain (ansible's group depth). */
  depth(group: string, memo = new Map<string, number>()): number {
    const known = memo.get(group);
    if (known !== undefined) return known;
    const g = this.groups.get(group);
    const d =
      g === undefined || g.parents.length === 0 ? 0 : Math.max(...g.parents.map((p) => this.depth(p, memo) + 1));
    memo.set(group, d);
    return d;
  }

  /** The host's groups other than `all`, in ansible's merge order (depth, priority, name). */
  sortedGroupsOf(host: string): string[] {
    const memo = new Map<string, number>();
    const prio = (g: string): number => {
      const p = Number(this.groups.get(g)?.vars.ansible_group_priority ?? 1);
      return Number.isFinite(p) ? p : 1;
    };
    return [...this.groupsOf(host)]
      .filter((g) => g !== 'all')
      .sort((a, b) => this.depth(a, memo) - this.depth(b, memo) || prio(a) - prio(b) || (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Effective host variables with the file or inventory entry each came from, in the default
   * VARIABLE_PRECEDENCE: all (inventory) < groups (inventory) < group_vars/all < group_vars/<group>
   * (inventory dir, then playbook dir) < host (inventory) < host_vars/<host>.
   */
  effectiveVars(host: string, files: readonly VarsFiles[] = []): { vars: Vars; origin: Record<string, string> } {
    const vars: Vars = {};
    const origin: Record<string, string> = {};
    const merge = (v: Vars, from: string): void => {
      for (const [k, x] of Object.entries(v)) {
        vars[k] = x;
        origin[k] = from;
      }
    };
    const groups = this.sortedGroupsOf(host);
    merge(this.groups.get('all')?.vars ?? {}, 'inventory:group all');
    for (const g of groups) merge(this.groups.get(g)?.vars ?? {}, `inventory:group ${g}`);
    for (const f of files) for (const e of f.groups.get('all') ?? []) merge(e.vars, e.file);
    for (const f of files) for (const g of groups) for (const e of f.groups.get(g) ?? []) merge(e.vars, e.file);
    merge(this.hosts.get(host)?.vars ?? {}, 'inventory:host');
    for (const f of files) for (const e of f.hosts.get(host) ?? []) merge(e.vars, e.file);
    return { vars, origin };
  }
}

/** The JSON `ansible-inventory --list` prints (for comparing with the real tool). */
export function toListJson(inv: Inventory, files: readonly VarsFiles[] = []): Record<string, unknown> {
  const hostvars: Record<string, Vars> = {};
  for (const h of inv.hosts.keys()) {
    const { vars } = inv.effectiveVars(h, files);
    if (Object.keys(vars).length > 0) hostvars[h] = vars;
  }
  const out: Record<string, unknown> = { _meta: { hostvars } };
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const g = inv.groups.get(name);
    if (g === undefined) return;
    const entry: Record<string, string[]> = {};
    if (name !== 'all' && g.hosts.length > 0) entry.hosts = [...g.hosts];
    if (g.children.length > 0) entry.children = [...g.children];
    if (Object.keys(entry).length > 0) out[name] = entry;
    for (const c of g.children) visit(c);
  };
  visit('all');
  return out;
}
