import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { packageRoot } from '../core/package-root.js';
import { patternsConfigSchema } from '../patterns/config.js';
import { parseRules } from '../rules/config.js';
import { sourceConfigSchema } from '../sources/registry.js';
import { configSchema, type ParsedConfig } from './schema.js';

export const DEMO_CONFIG = 'configs/demo.yaml';

export function defaultConfigPath(): string {
  return resolve(packageRoot(), DEMO_CONFIG);
}

/** `a.b[2].c` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out || '(root)';
}

export function zodProblems(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((i) => {
    const path = formatPath(i.path);
    const full = prefix ? (path === '(root)' ? prefix : `${prefix}.${path}`) : path;
    return `${full}: ${i.message}`;
  });
}

export interface LoadedConfig {
  path: string;
  config: ParsedConfig;
}

/** Applies environment overrides (secrets and the DB URL never need to be in the file). */
export function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out = { ...raw };
  const database = { ...((out.database as Record<string, unknown> | undefined) ?? {}) };
  if (env.DATABASE_URL) database.url = env.DATABASE_URL;
  out.database = database;
  if (env.OBSERVEBRIDGE_LOG_LEVEL) {
    out.logging = {
      ...((out.logging as Record<string, unknown> | undefined) ?? {}),
      level: env.OBSERVEBRIDGE_LOG_LEVEL,
    };
  }
  if (env.OBSERVEBRIDGE_HTTP_LISTEN) {
    out.http = { ...((out.http as Record<string, unknown> | undefined) ?? {}), listen: env.OBSERVEBRIDGE_HTTP_LISTEN };
  }
  return out;
}

/** `rules: 'lenient'` (a reload): broken rules are left to parseRules to report; the rest must be valid. */
export interface ParseOptions {
  rules?: 'strict' | 'lenient';
}

/** Parses and validates config text; every problem is listed with its path. */
export function parseConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  opts: ParseOptions = {},
): ParsedConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`;
    });
    throw new ConfigError(`config: ${file} is not valid YAML\n  ${problems.join('\n  ')}`, problems);
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`config: ${file}: must be a YAML mapping`);
  }
  const parsed = configSchema.safeParse(applyEnv(raw as Record<string, unknown>, env));
  const problems = parsed.success ? crossCheck(parsed.data, opts) : zodProblems(parsed.error);
  if (problems.length > 0) {
    throw new ConfigError(`config: ${file} has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`, problems);
  }
  return (parsed as { data: ParsedConfig }).data;
}

function crossCheck(c: ParsedConfig, opts: ParseOptions): string[] {
  const problems: string[] = [];
  if (c.rules !== undefined && opts.rules !== 'lenient') problems.push(...parseRules(c.rules).problems);
  for (const [name, src] of Object.entries(c.sources)) {
    const r = sourceConfigSchema.safeParse(src);
    if (!r.success) problems.push(...zodProblems(r.error, `sources.${name}`));
  }
  c.tenants.forEach((t, i) => {
    if (typeof t.source === 'string') return;
    const r = sourceConfigSchema.safeParse(t.source);
    if (!r.success) problems.push(...zodProblems(r.error, `tenants[${i}].source`));
  });
  if (c.patterns !== undefined) {
    const p = patternsConfigSchema.safeParse(c.patterns);
    if (!p.success) problems.push(...zodProblems(p.error, 'patterns'));
  }
  const seen = new Map<string, number>();
  c.tenants.forEach((t, i) => {
    const key = t.code.toLowerCase();
    if (seen.has(key))
      problems.push(`tenants[${i}].code: duplicate tenant code '${t.code}' (also tenants[${seen.get(key)}])`);
    else seen.set(key, i);
    if (typeof t.source === 'string' && !(t.source in c.sources)) {
      const known = Object.keys(c.sources);
      problems.push(
        `tenants[${i}].source: unknown source '${t.source}'` +
          (known.length ? ` (known: ${known.join(', ')})` : ' (sources is empty)'),
      );
    }
  });
  return problems;
}

export function loadConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  opts: ParseOptions = {},
): LoadedConfig {
  const file = path ? resolve(path) : defaultConfigPath();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`config: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return { path: file, config: resolveRelativePaths(parseConfig(text, file, env, opts), dirname(file)) };
}

/** File paths in the config (topology inputs) are relative to the config file's folder. */
function resolveRelativePaths(c: ParsedConfig, base: string): ParsedConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  for (const t of c.tenants) {
    const topo = t.topology;
    if (!topo) continue;
    for (const k of ['terraform', 'pulumi', 'snapshot', 'ansible'] as const) {
      const list = topo[k];
      if (list) topo[k] = list.map(abs);
    }
    if (topo.playbook_dir) topo.playbook_dir = abs(topo.playbook_dir);
  }
  // kb.paths: URLs stay as they are.
  if (c.kb.paths) c.kb.paths = c.kb.paths.map((p) => (/^https?:\/\//.test(p) ? p : abs(p)));
  return c;
}
