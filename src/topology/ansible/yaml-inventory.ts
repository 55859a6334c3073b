import { TopologyInputError } from '../input-error.js';
import { HostPatternError, parseHostPattern } from './host-pattern.js';
import { Inventory, InventoryCycleError } from './inventory.js';

/**
 * Ansible YAML inventory (`plugins/inventory/yaml.py`): top-level groups, each with optional
 * `hosts`, `vars` and `children` mappings; `hosts:` may be null or a bare string; host keys may
 * use ranges and `:port`. Input is the parsed document (JSON inventories use the same shape).
 */
export function parseYamlInventory(data: unknown, file: string, inv: Inventory = new Inventory()): Inventory {
  if (data === null || data === undefined) return inv;
  if (!isMap(data))
    throw new TopologyInputError(file, { path: '' }, 'YAML inventory has invalid structure, it should be a dictionary');
  const fail = (path: string, msg: string): never => {
    throw new TopologyInputError(file, { path }, msg);
  };
  const parseGroup = (name: string, body: unknown, path: string): string => {
    if (body !== null && body !== undefined && !isMap(body)) {
      // ansible warns and skips: "Skipping '<name>' as this is not a valid group definition"
      return name;
    }
    inv.addGroup(name);
    if (body === null || body === undefined) return name;
    for (const section of ['vars', 'children', 'hosts'] as const) {
      let v = body[section];
      if (typeof v === 'string') v = { [v]: null };
      if (v !== undefined && v !== null && !isMap(v))
        fail(
          `${path}.${section}`,
          `Invalid "${section}" entry for "${name}" group, requires a dictionary, found "${Array.isArray(v) ? 'list' : typeof v}" instead.`,
        );
      if (v === undefined || v === null) continue;
      const m = v as Record<string, unknown>;
      if (section === 'vars') for (const [k, x] of Object.entries(m)) inv.setGroupVar(name, k, x);
      else if (section === 'children') {
        for (const [child, cbody] of Object.entries(m)) {
          parseGroup(child, cbody, `${path}.children.${child}`);
          try {
            inv.addChild(name, child);
          } catch (e) {
            if (e instanceof InventoryCycleError) fail(`${path}.children.${child}`, e.message);
            throw e;
          }
        }
      } else {
        for (const [pattern, hvars] of Object.entries(m)) {
          let parsed: { hosts: string[]; port: number | undefined };
          try {
            parsed = parseHostPattern(pattern);
          } catch (e) {
            if (e instanceof HostPatternError) return fail(`${path}.hosts.${pattern}`, e.message);
            throw e;
          }
          if (hvars !== null && hvars !== undefined && !isMap(hvars))
            fail(`${path}.hosts.${pattern}`, `Invalid host vars for "${pattern}", requires a dictionary`);
          for (const h of parsed.hosts) {
            inv.addHost(h, name);
            if (parsed.port !== undefined) inv.setHostVar(h, 'ansible_port', parsed.port);
            for (const [k, x] of Object.entries((hvars ?? {}) as Record<string, unknown>)) inv.setHostVar(h, k, x);
          }
        }
      }
    }
    return name;
  };
  for (const [name, body] of Object.entries(data)) parseGroup(name, body, name);
  return inv;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
