/** Small helpers for a bench's own flags (`npm run bench -- window --db pglite --scales 1,10`). */
import { parseArgs } from 'node:util';

export type Flags = Record<string, string | boolean | undefined>;

export function parseFlags(argv: readonly string[], names: readonly string[]): Flags {
  const options = Object.fromEntries(names.map((n) => [n, { type: 'string' as const }]));
  const { values } = parseArgs({ args: [...argv], options, allowPositionals: false, strict: true });
  return values as Flags;
}

export function listFlag(flags: Flags, name: string): string[] | undefined {
  const v = flags[name];
  return typeof v === 'string' && v.trim() !== '' ? v.split(',').map((s) => s.trim()) : undefined;
}

export function numberListFlag(flags: Flags, name: string, dflt: number[]): number[] {
  const l = listFlag(flags, name);
  if (!l) return dflt;
  const out = l.map(Number);
  if (out.some((x) => !Number.isFinite(x) || x <= 0)) throw new Error(`--${name}: positive numbers, comma-separated`);
  return out;
}

export function numberFlag(flags: Flags, name: string, dflt: number): number {
  const v = flags[name];
  if (typeof v !== 'string') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: a positive number (got '${v}')`);
  return n;
}
