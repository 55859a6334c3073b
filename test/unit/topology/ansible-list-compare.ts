import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { parseInventory } from '../../../src/topology/ansible/extract-ansible.js';
import { toListJson } from '../../../src/topology/ansible/inventory.js';
import { collectVarsFiles, type VarsDirListing } from '../../../src/topology/ansible/vars-files.js';

/** `ansible-inventory --list` output reduced to comparable sets: group -> sorted hosts/children, plus host vars. */
export function normalizeList(list: Record<string, unknown>): {
  groups: Record<string, { hosts: string[]; children: string[] }>;
  hostvars: Record<string, unknown>;
} {
  const groups: Record<string, { hosts: string[]; children: string[] }> = {};
  for (const [k, v] of Object.entries(list)) {
    if (k === '_meta') continue;
    const g = v as { hosts?: string[]; children?: string[] };
    groups[k] = { hosts: [...(g.hosts ?? [])].sort(), children: [...(g.children ?? [])].sort() };
  }
  const meta = list._meta as { hostvars?: Record<string, unknown> } | undefined;
  return { groups, hostvars: meta?.hostvars ?? {} };
}

function listing(dir: string, display: string): VarsDirListing | undefined {
  if (!existsSync(dir)) return undefined;
  const files: { rel: string; text: string }[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else files.push({ rel: p.slice(dir.length + 1), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return { display, root: dir, files };
}

/** Our parser's `--list` for an inventory file, with the group_vars/host_vars beside it. */
export function ourList(file: string): Record<string, unknown> {
  const inv = parseInventory({ file, text: readFileSync(file, 'utf8') });
  const d = dirname(file);
  return toListJson(inv, [
    collectVarsFiles(
      listing(join(d, 'group_vars'), 'group_vars'),
      listing(join(d, 'host_vars'), 'host_vars'),
      () => {},
    ),
  ]);
}

export function assertSameInventory(
  ours: Record<string, unknown>,
  theirs: Record<string, unknown>,
  what: string,
): void {
  const a = normalizeList(ours);
  const b = normalizeList(theirs);
  assert.deepEqual(a.groups, b.groups, `${what}: groups differ`);
  assert.deepEqual(a.hostvars, b.hostvars, `${what}: host vars differ`);
}
