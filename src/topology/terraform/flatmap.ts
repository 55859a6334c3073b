/**
 * Terraform 0.11 "flatmap" attributes (`tags.%`, `ingress.#`, `ingress.1234.from_port`) back to
 * nested values: `#` marks a list (or set, keyed by hash), `%` a map. Values stay strings.
 */
import { isRecord } from '../iac/attr-path.js';

type Tree = { [k: string]: Tree | string };

export function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Tree = {};
  for (const [key, value] of Object.entries(flat)) {
    if (typeof value !== 'string') continue;
    const parts = key.split('.');
    let cur: Tree = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i] as string;
      const next = cur[p];
      if (next === undefined || typeof next === 'string') {
        const t: Tree = {};
        cur[p] = t;
        cur = t;
      } else cur = next;
    }
    const last = parts[parts.length - 1] as string;
    if (cur[last] === undefined) cur[last] = value;
  }
  return convert(root) as Record<string, unknown>;
}

function convert(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  if ('#' in node) {
    const items = Object.entries(node)
      .filter(([k]) => k !== '#')
      .sort(([a], [b]) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a < b ? -1 : 1))
      .map(([, v]) => convert(v));
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '%') continue;
    out[k] = convert(v);
  }
  return out;
}

export function asFlatmap(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}
