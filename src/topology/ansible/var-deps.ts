import { DEFAULT_PORTS, SERVICE_SCHEMES, parseHostList, parseHostPort, parseUrl, type Endpoint } from './endpoints.js';
import { groupRefs, hasJinja, hostvarsRefs } from './jinja-refs.js';
import type { Vars } from './inventory.js';
import { VAULT_VALUE } from './yaml-load.js';

/**
 * Which variable names are read for dependencies (case-insensitive regular expressions, tested
 * on the innermost key). Defaults follow reference/topology.md §7.
 */
export interface VarPatterns {
  /** Single host or address: `db_host`, `redis_server`, `ntpserver`, `api_endpoint`. */
  host: RegExp;
  /** URLs and connection strings: `database_url`, `amqp_uri`, `dsn`. */
  url: RegExp;
  /** Lists of hosts: `upstreams`, `kafka_brokers`, `memcached_nodes`. */
  list: RegExp;
  /** Never read: connection settings of Ansible itself, build inputs, secrets. */
  ignore: RegExp;
}

export const DEFAULT_VAR_PATTERNS: VarPatterns = {
  host: /(?:^|[_-])(?:host|hostname|fqdn|ip|addr|address|endpoint)$|server$/i,
  url: /(?:^|[_-])(?:url|uri|dsn|connection|connection_string|conn|conn_str|connstr)$/i,
  list: /(?:^|[_-])(?:hosts|servers|endpoints|upstream|upstreams|backend|backends|nodes|members|peers|brokers|seeds|bootstrap_servers)$/i,
  ignore:
    /^ansible_|(?:^|[_-])(?:repo|repository|git|mirror|download|package|artifact|registry|password|passwd|secret|token|key)(?:$|[_-])/i,
};

/** Compiles user-supplied patterns (strings are case-insensitive regular expressions). */
export function varPatterns(overrides: Partial<Record<keyof VarPatterns, string | RegExp>> = {}): VarPatterns {
  const out = { ...DEFAULT_VAR_PATTERNS };
  for (const k of Object.keys(overrides) as (keyof VarPatterns)[]) {
    const v = overrides[k];
    if (v !== undefined) out[k] = typeof v === 'string' ? new RegExp(v, 'i') : v;
  }
  return out;
}

export type VarTarget =
  | { kind: 'endpoint'; endpoint: Endpoint }
  | { kind: 'group'; group: string; index?: number }
  | { kind: 'host'; host: string };

export interface VarDependency {
  /** Dotted path of the variable (`app.db.host`). */
  variable: string;
  target: VarTarget;
  /** Port from a sibling `<prefix>_port` or the scheme default, when the value had none. */
  port?: number;
  confidence: 'high' | 'medium';
}

export interface VarScanResult {
  deps: VarDependency[];
  /** Values with Jinja we could not turn into a host or group. */
  unresolvedJinja: string[];
  /** Values skipped as build inputs (git repositories, package mirrors). */
  buildInputs: string[];
}

/**
 * Dependencies named by one host's effective variables. Pure: resolution of the targets
 * against the inventory is the caller's job.
 */
export function scanVars(vars: Vars, patterns: VarPatterns = DEFAULT_VAR_PATTERNS): VarScanResult {
  const res: VarScanResult = { deps: [], unresolvedJinja: [], buildInputs: [] };
  walk(vars, '', patterns, res);
  return res;
}

function walk(scope: Record<string, unknown>, path: string, p: VarPatterns, res: VarScanResult): void {
  for (const [key, value] of Object.entries(scope)) {
    const variable = path === '' ? key : `${path}.${key}`;
    if (p.ignore.test(key)) {
      if (
        typeof value === 'string' &&
        /(?:^|[_-])(?:repo|repository|git|mirror|download|package|artifact|registry)(?:$|[_-])/i.test(key)
      )
        res.buildInputs.push(variable);
      continue;
    }
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (typeof item === 'string') consider(key, variable, item, scope, p, res, Array.isArray(value));
      else if (typeof item === 'object' && item !== null && !Array.isArray(item))
        walk(item as Record<string, unknown>, variable, p, res);
    }
  }
}

function hintOf(key: string, p: VarPatterns, inList: boolean): 'host' | 'url' | 'list' | undefined {
  if (p.url.test(key)) return 'url';
  if (p.list.test(key)) return 'list';
  if (p.host.test(key)) return inList ? 'list' : 'host';
  return undefined;
}

function consider(
  key: string,
  variable: string,
  value: string,
  scope: Record<string, unknown>,
  p: VarPatterns,
  res: VarScanResult,
  inList: boolean,
): void {
  if (value === VAULT_VALUE || value.trim() === '') return;
  const hint = hintOf(key, p, inList);
  if (hasJinja(value)) {
    if (hint === undefined) return;
    const refs = groupRefs(value);
    const hosts = hostvarsRefs(value);
    if (refs.length === 0 && hosts.length === 0) {
      res.unresolvedJinja.push(variable);
      return;
    }
    const port = siblingPort(key, scope);
    for (const r of refs)
      res.deps.push(
        withPort(
          {
            variable,
            target: { kind: 'group', group: r.group, ...(r.index === undefined ? {} : { index: r.index }) },
            confidence: 'medium',
          },
          port,
        ),
      );
    for (const h of hosts)
      res.deps.push(withPort({ variable, target: { kind: 'host', host: h }, confidence: 'medium' }, port));
    return;
  }
  const urls = parseUrl(value);
  if (urls !== undefined) {
    const scheme = urls[0]?.scheme ?? '';
    if (value.trim().endsWith('.git') || scheme === 'git' || scheme === 'ssh') {
      res.buildInputs.push(variable);
      return;
    }
    if (!SERVICE_SCHEMES.has(scheme) && hint === undefined) return;
    for (const e of urls) res.deps.push({ variable, target: { kind: 'endpoint', endpoint: e }, confidence: 'high' });
    return;
  }
  if (hint === undefined || hint === 'url') return;
  const eps =
    hint === 'host' ? [parseHostPort(value)].filter((e): e is Endpoint => e !== undefined) : parseHostList(value);
  const port = siblingPort(key, scope);
  for (const e of eps) {
    const dep: VarDependency = {
      variable,
      target: { kind: 'endpoint', endpoint: e },
      confidence: /(?:^|[_-])(?:host|hostname|fqdn|addr|address|endpoint)$/i.test(key) ? 'high' : 'medium',
    };
    if (e.port === undefined && port !== undefined) dep.port = port;
    else if (e.port === undefined && e.scheme !== undefined && DEFAULT_PORTS[e.scheme] !== undefined)
      dep.port = DEFAULT_PORTS[e.scheme];
    res.deps.push(dep);
  }
}

function withPort(d: VarDependency, port: number | undefined): VarDependency {
  if (port !== undefined) d.port = port;
  return d;
}

/** `db_host` -> the value of `db_port` in the same scope, when it is a port number. */
function siblingPort(key: string, scope: Record<string, unknown>): number | undefined {
  const m =
    /^(.*?)[_-]?(?:host|hostname|fqdn|ip|addr|address|endpoint|server|servers|hosts|nodes|upstreams?|backends?|brokers|seeds|members|peers|url|uri)$/i.exec(
      key,
    );
  const prefix = m?.[1];
  if (prefix === undefined) return undefined;
  for (const cand of prefix === '' ? ['port'] : [`${prefix}_port`, `${prefix}-port`, `${prefix}port`]) {
    const v = scope[cand];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : undefined;
    if (n !== undefined && n > 0 && n <= 65535) return n;
  }
  return undefined;
}
