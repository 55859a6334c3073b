import { TopologyInputError } from '../input-error.js';
import { HostPatternError, parseHostPattern } from './host-pattern.js';
import { Inventory, InventoryCycleError } from './inventory.js';
import { pyLiteral } from './py-literal.js';
import { ShlexError, shlexSplit } from './shlex.js';

/**
 * Ansible INI inventory, following ansible-core 2.14 `plugins/inventory/ini.py`: `[g]`,
 * `[g:children]`, `[g:vars]`, hosts before any section go to `ungrouped`, host lines split
 * shell-style with inline `key=value` vars, values through `literal_eval`. Errors carry the
 * same wording as ansible, prefixed with `file:line`.
 */
export function parseIniInventory(text: string, file: string, inv: Inventory = new Inventory()): Inventory {
  const pending = new Map<string, { line: number; state: 'vars' | 'children'; parents: string[] }>();
  let group = 'ungrouped';
  let state: 'hosts' | 'children' | 'vars' = 'hosts';
  const lines = text.split(/\r?\n/);
  const fail = (lineno: number, msg: string): never => {
    throw new TopologyInputError(file, { line: lineno }, msg);
  };
  lines.forEach((raw, idx) => {
    const lineno = idx + 1;
    const line = raw.trim();
    if (line === '' || line[0] === '#' || line[0] === ';') return;
    const section = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/.exec(line);
    if (section !== null) {
      group = section[1] as string;
      const kind = section[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'children' && kind !== 'vars')
        fail(lineno, `Section [${group}:${kind}] has unknown type: ${kind}`);
      state = kind as typeof state;
      if (!inv.groups.has(group)) {
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineno, state: 'vars', parents: [] });
        inv.addGroup(group);
      }
      const p = pending.get(group);
      if (p !== undefined && state !== 'vars') {
        if (p.state === 'children') for (const parent of p.parents) addChild(parent, group, lineno);
        pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(
        lineno,
        `Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`,
      );
    }
    if (state === 'hosts') {
      let tokens: string[];
      try {
        tokens = shlexSplit(line);
      } catch (e) {
        if (e instanceof ShlexError) return fail(lineno, `Error parsing host definition '${line}': ${e.message}`);
        throw e;
      }
      if (tokens.length === 0) return;
      let parsed: { hosts: string[]; port: number | undefined };
      try {
        parsed = parseHostPattern(tokens[0] as string);
      } catch (e) {
        if (e instanceof HostPatternError) return fail(lineno, e.message);
        throw e;
      }
      const vars: Record<string, unknown> = {};
      for (const t of tokens.slice(1)) {
        const eq = t.indexOf('=');
        if (eq < 0) fail(lineno, `Expected key=value host variable assignment, got: ${t}`);
        vars[t.slice(0, eq)] = pyLiteral(t.slice(eq + 1));
      }
      for (const h of parsed.hosts) {
        inv.addHost(h, group);
        if (parsed.port !== undefined) inv.setHostVar(h, 'ansible_port', parsed.port);
        for (const [k, v] of Object.entries(vars)) inv.setHostVar(h, k, v);
      }
      return;
    }
    if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) fail(lineno, `Expected key=value, got: ${line}`);
      inv.setGroupVar(group, line.slice(0, eq).trim(), pyLiteral(line.slice(eq + 1).trim()));
      return;
    }
    // children
    const child = line.split(/\s+/)[0] as string;
    if (!inv.groups.has(child)) {
      const p = pending.get(child);
      if (p === undefined) pending.set(child, { line: lineno, state: 'children', parents: [group] });
      else p.parents.push(group);
    } else addChild(group, child, lineno);
  });
  for (const [name, p] of pending) {
    if (p.state === 'vars') fail(p.line, `Section [${name}:vars] not valid for undefined group: ${name}`);
    else fail(p.line, `Section [${p.parents[p.parents.length - 1] ?? ''}:children] includes undefined group: ${name}`);
  }
  return inv;

  function addChild(parent: string, child: string, lineno: number): void {
    try {
      inv.addChild(parent, child);
    } catch (e) {
      if (e instanceof InventoryCycleError) fail(lineno, e.message);
      throw e;
    }
  }
}
