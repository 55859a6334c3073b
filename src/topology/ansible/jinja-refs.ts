/**
 * References to inventory groups and hosts inside Jinja text, recognised without executing
 * Jinja: `groups['x']`, `groups["x"]`, `groups.x`, with an optional `[N]` index, and
 * `hostvars['host']`. `groups[var]` (a variable) cannot be resolved and is only counted.
 */
export interface GroupRef {
  group: string;
  index?: number;
  /** Character offset of the match in the scanned text. */
  offset: number;
  length: number;
}

const GROUP_RE = /\bgroups(?:\[\s*(['"])([^'"\]]+)\1\s*\]|\.([A-Za-z_][\w-]*))(?:\s*\[\s*(-?\d+)\s*\])?/g;
const GROUP_VAR_RE = /\bgroups\[\s*[A-Za-z_]\w*\s*\]/g;
const HOSTVARS_RE = /\bhostvars\[\s*(['"])([^'"\]]+)\1\s*\]/g;

export function groupRefs(text: string): GroupRef[] {
  const out: GroupRef[] = [];
  for (const m of text.matchAll(GROUP_RE)) {
    const group = (m[2] ?? m[3]) as string;
    // `groups.keys()` and friends are methods of the dict, not groups.
    if (m[3] !== undefined && ['keys', 'values', 'items', 'get'].includes(group)) continue;
    const ref: GroupRef = { group, offset: m.index, length: m[0].length };
    if (m[4] !== undefined) ref.index = Number(m[4]);
    out.push(ref);
  }
  return out;
}

export function variableGroupRefs(text: string): number {
  return [...text.matchAll(GROUP_VAR_RE)].length;
}

export function hostvarsRefs(text: string): string[] {
  return [...text.matchAll(HOSTVARS_RE)].map((m) => m[2] as string);
}

export function hasJinja(s: string): boolean {
  return s.includes('{{') || s.includes('{%');
}
