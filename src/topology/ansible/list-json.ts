import { TopologyInputError } from '../input-error.js';
import { Inventory } from './inventory.js';

/**
 * The JSON of `ansible-inventory --list` (or `--list --export`, or a dynamic inventory
 * script): one key per group with `hosts`, `children` and optional `vars`, plus
 * `_meta.hostvars`. With --list the host vars are already effective; with --export group vars
 * stay on the group and merge in the usual precedence.
 */
export function parseListJson(data: unknown, file: string, inv: Inventory = new Inventory()): Inventory {
  if (!isMap(data))
    throw new TopologyInputError(file, { path: '' }, 'expected an object (ansible-inventory --list output)');
  const strList = (v: unknown, path: string): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw new TopologyInputError(file, { path }, 'expected a list of names');
    return v as string[];
  };
  const childrenOf: [string, string[]][] = [];
  for (const [name, body] of Object.entries(data)) {
    if (name === '_meta') continue;
    inv.addGroup(name);
    // Inventory scripts may give a group as a bare list of hosts.
    if (Array.isArray(body)) {
      for (const h of strList(body, name)) inv.addHost(h, name);
      continue;
    }
    if (!isMap(body))
      throw new TopologyInputError(file, { path: name }, 'expected a group object with hosts/children/vars');
    for (const h of strList(body.hosts, `${name}.hosts`)) inv.addHost(h, name);
    childrenOf.push([name, strList(body.children, `${name}.children`)]);
    if (body.vars !== undefined) {
      if (!isMap(body.vars)) throw new TopologyInputError(file, { path: `${name}.vars` }, 'expected a mapping');
      for (const [k, v] of Object.entries(body.vars)) inv.setGroupVar(name, k, v);
    }
  }
  for (const [parent, children] of childrenOf) for (const c of children) inv.addChild(parent, c);
  const meta = data._meta;
  if (isMap(meta) && isMap(meta.hostvars)) {
    for (const [h, vars] of Object.entries(meta.hostvars)) {
      if (!isMap(vars)) throw new TopologyInputError(file, { path: `_meta.hostvars.${h}` }, 'expected a mapping');
      inv.addHost(h);
      for (const [k, v] of Object.entries(vars)) inv.setHostVar(h, k, v);
    }
  }
  return inv;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `--list` JSON (groups with hosts/children *lists*, or `_meta`) vs a YAML-shaped JSON inventory. */
export function looksLikeListJson(data: unknown): boolean {
  if (!isMap(data)) return false;
  if ('_meta' in data) return true;
  const all = data.all;
  return isMap(all) && (Array.isArray(all.children) || Array.isArray(all.hosts));
}
