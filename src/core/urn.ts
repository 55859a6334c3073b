/**
 * Canonical resource URNs (one URN, one dim_resource row) from OpenTelemetry resource and peer attributes.
 * Rules: ../shared/reference/service-graph.md §5 (precedence tables, old and new semantic-convention names).
 *
 * Shapes (components are normalized, then escaped; `_` stands for an unknown component):
 *   urn:k8s:svc:<namespace>/<name>        instrumented service running in Kubernetes
 *   urn:svc:<service.namespace>/<name>    instrumented service elsewhere
 *   urn:host:<host>                       host (instrumented resource without a service, or uninstrumented peer)
 *   urn:db:<system>:<cluster>/<db>        database (peer of a client span)
 *   urn:mq:<system>:<cluster>/<destination>  queue/topic (peer of a producer or root consumer span)
 *   urn:user                              the outside caller of a root server span
 *
 * Normalization: every component is trimmed. Hosts, systems, k8s names and service names/namespaces are
 * lowercased (DNS and k8s are case-insensitive; `peer.service` is typed by hand, so case must not split a
 * service in two). Database names and queue destinations keep their case (case-sensitive in the products).
 * Hosts lose `scheme://`, user info, path, `:port`, a trailing `.`, and a `.svc` / `.svc.cluster.local` suffix.
 *
 * Escaping: a component keeps the characters `A-Z a-z 0-9 . _ ~ ! $ & ' ( ) * + , ; = @ -`; every other
 * character (notably `/ : % \`, spaces, non-ASCII) is percent-encoded as UTF-8 (`%2F`). An empty component is
 * written `_`; a component that is literally `_` is written `%5F`. So `/` and `:` in a URN are always
 * separators, and `parseUrn` can split without ambiguity. The SQL Server cluster `<host>\<instance>` uses a
 * raw backslash as separator (escaped components never contain one).
 *
 * Pure: no I/O, no clock.
 */
import type { Attrs } from './records.js';

export const URN_USER = 'urn:user';
/** Written for an unknown component, so every URN keeps its shape. */
export const UNKNOWN = '_';

/** dim_resource.type values produced by this module. Other `urn:<scheme>:…` URNs get type `<scheme>`. */
export const RESOURCE_TYPES = ['k8s_service', 'service', 'host', 'database', 'queue', 'user'] as const;
export type KnownResourceType = (typeof RESOURCE_TYPES)[number];

// ---------------------------------------------------------------------------------------------
// Attribute lookup

/**
 * The trimmed, non-empty string value of the first key present. Each key is tried as written and in
 * OpenObserve's flattened form (`db.system.name` → `db_system_name`), since O2 stores keys flattened.
 */
export function attr(attrs: Attrs | undefined, ...keys: readonly string[]): string | undefined {
  if (!attrs) return undefined;
  for (const k of keys) {
    let v = attrs[k];
    if (v === undefined) {
      const flat = flatKey(k);
      if (flat !== k) v = attrs[flat];
    }
    if (v === undefined) continue;
    const s = typeof v === 'string' ? v.trim() : String(v);
    if (s !== '') return s;
  }
  return undefined;
}

const FLAT_KEYS = new Map<string, string>();

/** `db.system.name` → `db_system_name`, memoized (lookups run per span; keys are a small fixed set). */
function flatKey(k: string): string {
  let f = FLAT_KEYS.get(k);
  if (f === undefined) {
    f = k.replaceAll('.', '_');
    if (FLAT_KEYS.size < 10_000) FLAT_KEYS.set(k, f);
  }
  return f;
}

/** Whether a key is present at all (even with an empty value), in either form. */
function hasKey(attrs: Attrs | undefined, key: string): boolean {
  if (!attrs) return false;
  return key in attrs || flatKey(key) in attrs;
}

// ---------------------------------------------------------------------------------------------
// Escaping

const SAFE_COMPONENT = /^[A-Za-z0-9._~!$&'()*+,;=@-]+$/;
const SAFE_CHAR = /^[A-Za-z0-9._~!$&'()*+,;=@-]$/;

/** Escapes one URN component (see the header). `undefined`/empty → `_`. */
export function escapeComponent(raw: string | undefined): string {
  if (raw === undefined || raw === '') return UNKNOWN;
  if (raw === UNKNOWN) return '%5F';
  if (SAFE_COMPONENT.test(raw)) return raw;
  let out = '';
  for (const ch of raw) {
    if (SAFE_CHAR.test(ch)) out += ch;
    else {
      try {
        out += encodeURIComponent(ch);
      } catch {
        out += '%EF%BF%BD'; // a lone surrogate cannot be UTF-8 encoded: write U+FFFD
      }
    }
  }
  return out;
}

/** Inverse of `escapeComponent`; `_` → undefined (unknown). */
export function unescapeComponent(c: string): string | undefined {
  if (c === UNKNOWN || c === '') return undefined;
  try {
    return decodeURIComponent(c);
  } catch {
    return c;
  }
}

// ---------------------------------------------------------------------------------------------
// Normalization

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9a-f:.]+$/i;

export function isIpAddress(host: string): boolean {
  if (IPV4.test(host)) return true;
  return host.includes(':') && IPV6.test(host);
}

/**
 * A host name as it appears in URNs: lowercase, no scheme, user info, path, port or trailing dot;
 * IPv6 without brackets. Returns undefined when nothing is left.
 */
export function normalizeHost(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let h = raw.trim();
  if (h === '') return undefined;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(h);
  if (scheme) h = h.slice(scheme[0].length);
  const at = h.lastIndexOf('@');
  if (at >= 0) h = h.slice(at + 1);
  const slash = h.search(/[/?#]/);
  if (slash >= 0) h = h.slice(0, slash);
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    h = close > 0 ? h.slice(1, close) : h.slice(1);
  } else {
    const colons = h.split(':').length - 1;
    // Exactly one colon is host:port; more is a bare IPv6 address.
    if (colons === 1) h = h.slice(0, h.indexOf(':'));
  }
  h = h.toLowerCase().replace(/\.+$/, '');
  return h === '' ? undefined : h;
}

export interface K8sServiceName {
  namespace: string;
  service: string;
}

/**
 * `<svc>.<ns>.svc.cluster.local` / `<svc>.<ns>.svc` (and `<pod>.<svc>.<ns>.svc…` of headless services)
 * → the Kubernetes service. Other names (including `<svc>.<ns>` without `.svc`, which may be a real
 * domain) are not guessed.
 */
export function k8sServiceFromHost(host: string): K8sServiceName | undefined {
  let base: string;
  if (host.endsWith('.svc.cluster.local')) base = host.slice(0, -'.svc.cluster.local'.length);
  else if (host.endsWith('.svc')) base = host.slice(0, -'.svc'.length);
  else return undefined;
  const labels = base.split('.');
  if (labels.length < 2) return undefined;
  const namespace = labels[labels.length - 1] ?? '';
  const service = labels[labels.length - 2] ?? '';
  if (namespace === '' || service === '') return undefined;
  return { namespace, service };
}

/** A host for a URN component: normalized, with the k8s `.svc…` suffix removed (`pg.db.svc` → `pg.db`). */
function hostComponent(host: string): string {
  if (host.endsWith('.svc.cluster.local')) return host.slice(0, -'.svc.cluster.local'.length);
  if (host.endsWith('.svc')) return host.slice(0, -'.svc'.length);
  return host;
}

function lower(s: string | undefined): string | undefined {
  return s === undefined ? undefined : s.trim().toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Builders

export function k8sServiceUrn(namespace: string, name: string): string {
  return `urn:k8s:svc:${escapeComponent(lower(namespace))}/${escapeComponent(lower(name))}`;
}

export function serviceUrn(namespace: string | undefined, name: string): string {
  return `urn:svc:${escapeComponent(lower(namespace))}/${escapeComponent(lower(name))}`;
}

/** `urn:host:<host>`; the host is normalized first (port, scheme, case, `.svc` suffix). */
export function hostUrn(host: string): string {
  const h = normalizeHost(host);
  return `urn:host:${escapeComponent(h === undefined ? undefined : hostComponent(h))}`;
}

/** `cluster` may be `<host>\<instance>` (SQL Server); each side is escaped separately. */
export function dbUrn(system: string | undefined, cluster: string | undefined, db: string | undefined): string {
  const c =
    cluster === undefined
      ? UNKNOWN
      : cluster
          .split('\\')
          .map((p) => escapeComponent(p))
          .join('\\');
  return `urn:db:${escapeComponent(lower(system))}:${c}/${escapeComponent(db)}`;
}

export function mqUrn(
  system: string | undefined,
  cluster: string | undefined,
  destination: string | undefined,
): string {
  return `urn:mq:${escapeComponent(lower(system))}:${escapeComponent(cluster)}/${escapeComponent(destination)}`;
}

// ---------------------------------------------------------------------------------------------
// Instrumented side: a span's / metric's own resource

const K8S_WORKLOAD_KEYS = [
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
  'k8s.job.name',
] as const;

/** Resource attribute keys that take part in resource identity (excluded from metric series labels). */
export const RESOURCE_IDENTITY_KEYS: readonly string[] = [
  'service.name',
  'service.namespace',
  'k8s.namespace.name',
  ...K8S_WORKLOAD_KEYS,
  'host.name',
  'host.id',
];

/** `service.name` is unusable when missing or the SDK default `unknown_service[:<exe>]`. */
export function usableServiceName(attrs: Attrs | undefined): string | undefined {
  const s = attr(attrs, 'service.name');
  if (s === undefined) return undefined;
  if (s === 'unknown_service' || s.startsWith('unknown_service:')) return undefined;
  return s;
}

export interface ResourceIdentity {
  urn: string;
  type: KnownResourceType;
  /** k8s.namespace.name (lowercase) when the resource runs in Kubernetes; used to resolve peers. */
  k8sNamespace?: string;
  /** The usable service.name (lowercase), when there is one. */
  serviceName?: string;
}

/**
 * The URN of an instrumented resource (§5.2 "Instrumented side"):
 * 1. k8s namespace + usable service.name → urn:k8s:svc:<ns>/<service.name>
 * 2. k8s namespace, no usable service.name → urn:k8s:svc:<ns>/<first workload name>
 * 3. usable service.name → urn:svc:<service.namespace or _>/<service.name>
 * 4. host.name (or host.id) → urn:host:<host>
 * 5. none → undefined (callers count `no_identity` and skip the record)
 */
export function resourceIdentity(attrs: Attrs | undefined): ResourceIdentity | undefined {
  const svc = usableServiceName(attrs);
  const ns = lower(attr(attrs, 'k8s.namespace.name'));
  if (ns !== undefined) {
    if (svc !== undefined) {
      const name = svc.toLowerCase();
      return { urn: k8sServiceUrn(ns, name), type: 'k8s_service', k8sNamespace: ns, serviceName: name };
    }
    const workload = attr(attrs, ...K8S_WORKLOAD_KEYS);
    if (workload !== undefined) return { urn: k8sServiceUrn(ns, workload), type: 'k8s_service', k8sNamespace: ns };
  }
  if (svc !== undefined) {
    const name = svc.toLowerCase();
    return { urn: serviceUrn(attr(attrs, 'service.namespace'), name), type: 'service', serviceName: name };
  }
  const host = attr(attrs, 'host.name', 'host.id');
  if (host !== undefined) return { urn: hostUrn(host), type: 'host' };
  return undefined;
}

export function resourceUrn(attrs: Attrs | undefined): string | undefined {
  return resourceIdentity(attrs)?.urn;
}

// ---------------------------------------------------------------------------------------------
// Remote side: peers of client / producer spans, callers of root server / consumer spans

/**
 * Known resources of the tenant, consulted to name peers: `peer.service` values and bare IP addresses
 * are only mapped to real resources through it.
 */
export interface PeerDirectory {
  /** URN of an instrumented resource whose service.name is `name` (lowercase), preferring `callerNs`. */
  serviceUrn(name: string, callerNs: string | undefined): string | undefined;
  /** The resource that owns an IP address: its URN and, when it is a host, its host name. */
  resolveIp(ip: string): { urn: string; host?: string } | undefined;
}

/**
 * What a span says about its remote side, before known resources are consulted. Separate from
 * resolution so an aggregator can decide at the end of a window, when it knows every resource.
 */
export type PeerTarget =
  | { kind: 'database'; system: string; clusters: readonly ClusterCandidate[]; name: string | undefined }
  | { kind: 'messaging'; system: string | undefined; clusters: readonly ClusterCandidate[]; name: string | undefined }
  | { kind: 'service'; name: string; callerNs: string | undefined }
  | { kind: 'host'; host: string };

/** A candidate cluster name: a host (an IP only counts when it maps to a known host) or a plain name. */
export type ClusterCandidate = { host: string } | { name: string };

export const DB_ATTRS = ['db.system.name', 'db.system', 'db.namespace', 'db.name'] as const;
export const MESSAGING_ATTRS = ['messaging.system', 'messaging.destination.name', 'messaging.destination'] as const;

/** A span is a database call when it carries a database product or database name (§5.2 remote rule 1). */
export function isDatabaseSpan(span: Attrs): boolean {
  return attr(span, ...DB_ATTRS) !== undefined;
}

export function isMessagingSpan(span: Attrs): boolean {
  return (
    attr(span, 'messaging.system', 'messaging.destination.name') !== undefined || hasKey(span, 'messaging.destination')
  );
}

interface DbSystemRule {
  token: string;
  /** How `<db>` is taken from db.namespace / db.name. */
  db: 'whole' | 'first' | 'last' | 'none' | 'redis';
}

const DB_SYSTEMS: Record<string, DbSystemRule> = {
  postgresql: { token: 'postgres', db: 'first' },
  postgres: { token: 'postgres', db: 'first' },
  mysql: { token: 'mysql', db: 'whole' },
  mariadb: { token: 'mariadb', db: 'whole' },
  'microsoft.sql_server': { token: 'mssql', db: 'last' },
  mssql: { token: 'mssql', db: 'last' },
  'oracle.db': { token: 'oracle', db: 'whole' },
  oracle: { token: 'oracle', db: 'whole' },
  'ibm.db2': { token: 'db2', db: 'whole' },
  db2: { token: 'db2', db: 'whole' },
  mongodb: { token: 'mongodb', db: 'whole' },
  redis: { token: 'redis', db: 'redis' },
  cassandra: { token: 'cassandra', db: 'whole' },
  elasticsearch: { token: 'elasticsearch', db: 'none' },
  opensearch: { token: 'opensearch', db: 'none' },
  'aws.dynamodb': { token: 'dynamodb', db: 'none' },
  dynamodb: { token: 'dynamodb', db: 'none' },
  'azure.cosmosdb': { token: 'cosmosdb', db: 'whole' },
  cosmosdb: { token: 'cosmosdb', db: 'whole' },
  other_sql: { token: 'sql', db: 'whole' },
};

/** The `<system>` token for a db.system(.name) value (`postgresql` → `postgres`, `sap.hana` → `sap-hana`). */
export function dbSystemToken(system: string | undefined): string {
  if (system === undefined) return 'sql';
  const s = system.trim().toLowerCase();
  return DB_SYSTEMS[s]?.token ?? s.replaceAll('.', '-');
}

function splitNamespace(ns: string): string[] {
  return ns
    .split(/[|.]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** Host of a database connection string: URL form, or `key=value` pairs (ADO.NET / libpq / JDBC-ish). */
export function hostFromConnectionString(cs: string | undefined): string | undefined {
  if (cs === undefined) return undefined;
  const s = cs.trim().replace(/^jdbc:/i, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    const rest = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
    return normalizeHost(rest.split(',')[0]);
  }
  const m = /(?:^|[;\s])(?:server|host|data source|address|addr|hostname)\s*=\s*([^;\s]+)/i.exec(s);
  if (!m?.[1]) return undefined;
  const v = m[1].replace(/^tcp:/i, '').split(',')[0] ?? '';
  return normalizeHost(v.split('\\')[0]);
}

function hostCandidates(span: Attrs, keys: readonly string[]): ClusterCandidate[] {
  const out: ClusterCandidate[] = [];
  for (const k of keys) {
    const h = normalizeHost(attr(span, k));
    if (h !== undefined) out.push({ host: h });
  }
  return out;
}

function databaseTarget(span: Attrs, caller: Attrs | undefined): PeerTarget {
  const rawSystem = attr(span, 'db.system.name', 'db.system');
  const rule: DbSystemRule = rawSystem
    ? (DB_SYSTEMS[rawSystem.toLowerCase()] ?? { token: dbSystemToken(rawSystem), db: 'whole' })
    : { token: 'sql', db: 'whole' };
  const ns = attr(span, 'db.namespace', 'db.name');
  let name: string | undefined;
  let instance: string | undefined = attr(span, 'db.mssql.instance_name');
  switch (rule.db) {
    case 'whole':
      name = ns;
      break;
    case 'first':
      name = ns === undefined ? undefined : splitNamespace(ns)[0];
      break;
    case 'last': {
      const parts = ns === undefined ? [] : splitNamespace(ns);
      name = parts[parts.length - 1];
      if (parts.length > 1) instance ??= parts[0];
      break;
    }
    case 'redis':
      name = attr(span, 'db.namespace', 'db.redis.database_index') ?? '0';
      break;
    case 'none':
      name = undefined;
      break;
  }
  const clusters: ClusterCandidate[] = [];
  const peerName = lower(attr(span, 'service.peer.name', 'peer.service'));
  if (peerName !== undefined) clusters.push({ name: peerName });
  clusters.push(
    ...hostCandidates(span, [
      'server.address',
      'net.peer.name',
      'network.peer.address',
      'net.sock.peer.addr',
      'net.peer.ip',
    ]),
  );
  const csHost = hostFromConnectionString(attr(span, 'db.connection_string'));
  if (csHost !== undefined) clusters.push({ host: csHost });
  if (rule.token === 'elasticsearch' || rule.token === 'opensearch') {
    const esCluster = attr(span, 'db.namespace', 'db.elasticsearch.cluster.name');
    if (esCluster !== undefined) clusters.push({ name: esCluster.toLowerCase() });
  }
  if (rule.token === 'dynamodb') {
    const region = lower(attr(caller, 'cloud.region'));
    if (region !== undefined) clusters.unshift({ name: region });
  }
  if (rule.token === 'sqlite') {
    const h = normalizeHost(attr(caller, 'host.name', 'host.id'));
    clusters.length = 0;
    if (h !== undefined) clusters.push({ host: h });
  }
  if (rule.token === 'mssql' && instance !== undefined) {
    // The instance is part of the server's identity: <host>\<instance>.
    const inst = instance;
    return {
      kind: 'database',
      system: rule.token,
      clusters: clusters.map((c) => ('host' in c ? { host: `${c.host}\\${inst}` } : { name: `${c.name}\\${inst}` })),
      name,
    };
  }
  return { kind: 'database', system: rule.token, clusters, name };
}

function messagingTarget(span: Attrs): PeerTarget {
  const system = lower(attr(span, 'messaging.system'));
  let name = attr(span, 'messaging.destination.name', 'messaging.destination');
  if (name === undefined) {
    // RabbitMQ's default exchange is "": the routing key is then the queue name.
    name = attr(span, 'messaging.rabbitmq.destination.routing_key', 'messaging.rabbitmq.routing_key');
  }
  const clusters = hostCandidates(span, ['server.address', 'net.peer.name']);
  const url = attr(span, 'messaging.url');
  const urlHost = normalizeHost(url);
  if (urlHost !== undefined) clusters.push({ host: urlHost });
  return { kind: 'messaging', system, clusters, name };
}

function hostOfUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  return normalizeHost(url);
}

/**
 * The remote side of a client/producer span without a server partner (§3, §5.2 remote table), in order:
 * database attributes → urn:db; messaging attributes → urn:mq; service.peer.name / peer.service → service;
 * rpc.service → service; server.address > net.peer.name > host of url.full / http.url → host.
 * Undefined when nothing names the peer (the caller counts `unpaired_client`).
 */
export function clientPeerTarget(span: Attrs, caller: Attrs | undefined): PeerTarget | undefined {
  if (isDatabaseSpan(span)) return databaseTarget(span, caller);
  if (isMessagingSpan(span)) return messagingTarget(span);
  const callerNs = lower(attr(caller, 'k8s.namespace.name'));
  const peer = attr(span, 'service.peer.name', 'peer.service');
  if (peer !== undefined) return { kind: 'service', name: peer.toLowerCase(), callerNs };
  const rpc = attr(span, 'rpc.service');
  if (rpc !== undefined) return { kind: 'service', name: rpc.toLowerCase(), callerNs };
  const host =
    normalizeHost(attr(span, 'server.address', 'net.peer.name')) ??
    hostOfUrl(attr(span, 'url.full')) ??
    hostOfUrl(attr(span, 'http.url'));
  if (host !== undefined) return { kind: 'host', host };
  return undefined;
}

/**
 * The caller of a root server/consumer span (no parent): a consumer with messaging attributes reads from
 * a queue; otherwise the service named by service.peer.name / peer.service; otherwise undefined, meaning
 * `urn:user`.
 */
export function rootCallerTarget(
  span: Attrs,
  kind: 'server' | 'consumer',
  own: Attrs | undefined,
): PeerTarget | undefined {
  if (kind === 'consumer' && isMessagingSpan(span)) return messagingTarget(span);
  const peer = attr(span, 'service.peer.name', 'peer.service');
  if (peer !== undefined)
    return { kind: 'service', name: peer.toLowerCase(), callerNs: lower(attr(own, 'k8s.namespace.name')) };
  return undefined;
}

/** A stable string for grouping targets before they are resolved. */
export function peerTargetKey(t: PeerTarget): string {
  return JSON.stringify(t);
}

function pickCluster(cands: readonly ClusterCandidate[], dir: PeerDirectory | undefined): string | undefined {
  for (const c of cands) {
    if ('name' in c) return c.name;
    // A `<host>\<instance>` candidate: only the host part can be an IP.
    const [host, ...inst] = c.host.split('\\');
    if (host === undefined || host === '') continue;
    if (!isIpAddress(host)) return hostComponent(host) + (inst.length ? `\\${inst.join('\\')}` : '');
    const known = dir?.resolveIp(host)?.host;
    if (known !== undefined) return hostComponent(known) + (inst.length ? `\\${inst.join('\\')}` : '');
  }
  return undefined;
}

export interface ResolvedPeer {
  urn: string;
  /** dim_resource.type of the URN (`parseUrn(urn).type`). */
  type: string;
}

/**
 * Turns a target into a URN, consulting known resources: a service name maps to the instrumented
 * resource of that name (caller's namespace first), else `urn:svc:_/<name>`; a k8s DNS host maps to
 * `urn:k8s:svc:<ns>/<svc>`; a bare IP maps only to a known resource, else undefined (dropped).
 */
export function resolvePeerTarget(t: PeerTarget, dir?: PeerDirectory): ResolvedPeer | undefined {
  switch (t.kind) {
    case 'database':
      return { urn: dbUrn(t.system, pickCluster(t.clusters, dir), t.name), type: 'database' };
    case 'messaging':
      return { urn: mqUrn(t.system, pickCluster(t.clusters, dir), t.name), type: 'queue' };
    case 'service': {
      const known = dir?.serviceUrn(t.name, t.callerNs);
      if (known !== undefined) return { urn: known, type: typeOfUrn(known) };
      return { urn: serviceUrn(undefined, t.name), type: 'service' };
    }
    case 'host': {
      if (isIpAddress(t.host)) {
        const known = dir?.resolveIp(t.host);
        return known ? { urn: known.urn, type: typeOfUrn(known.urn) } : undefined;
      }
      const k8s = k8sServiceFromHost(t.host);
      if (k8s) return { urn: k8sServiceUrn(k8s.namespace, k8s.service), type: 'k8s_service' };
      return { urn: hostUrn(t.host), type: 'host' };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing and dim_resource rows

export interface ParsedUrn {
  type: string;
  /** Decoded components in URN order (`undefined` = unknown `_`). */
  parts: (string | undefined)[];
}

export function typeOfUrn(urn: string): string {
  return parseUrn(urn)?.type ?? 'other';
}

/** Splits a URN into its type and decoded components; undefined when it is not a `urn:` string. */
export function parseUrn(urn: string): ParsedUrn | undefined {
  if (urn === URN_USER) return { type: 'user', parts: [] };
  const m = /^urn:([^:]+):(.*)$/.exec(urn);
  if (!m) return undefined;
  const scheme = m[1] ?? '';
  const rest = m[2] ?? '';
  const dec = (s: string | undefined) => (s === undefined ? undefined : unescapeComponent(s));
  const slash = (s: string): [string, string] => {
    const i = s.indexOf('/');
    return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
  };
  switch (scheme) {
    case 'k8s': {
      if (!rest.startsWith('svc:')) break;
      const [ns, name] = slash(rest.slice(4));
      return { type: 'k8s_service', parts: [dec(ns), dec(name)] };
    }
    case 'svc': {
      const [ns, name] = slash(rest);
      return { type: 'service', parts: [dec(ns), dec(name)] };
    }
    case 'host':
      return { type: 'host', parts: [dec(rest)] };
    case 'db':
    case 'mq': {
      const c = rest.indexOf(':');
      const system = c < 0 ? rest : rest.slice(0, c);
      const [cluster, name] = slash(c < 0 ? '' : rest.slice(c + 1));
      const clusterText = cluster
        .split('\\')
        .map((p) => unescapeComponent(p) ?? UNKNOWN)
        .join('\\');
      return {
        type: scheme === 'db' ? 'database' : 'queue',
        parts: [dec(system), clusterText === UNKNOWN ? undefined : clusterText, dec(name)],
      };
    }
  }
  return { type: scheme, parts: rest.split(/[:/]/).map((p) => dec(p)) };
}

/** One dim_resource row (without ids). */
export interface ResourceDescriptor {
  urn: string;
  type: string;
  name: string;
  env: string | null;
  region: string | null;
  zone: string | null;
  labels: Record<string, string>;
}

/**
 * Resource attributes copied into dim_resource.labels: identity and placement, not per-instance values
 * (pod name, instance id, pid and versions change on every deploy and would make labels churn).
 */
const LABEL_KEYS = [
  'service.name',
  'service.namespace',
  'k8s.cluster.name',
  'k8s.namespace.name',
  ...K8S_WORKLOAD_KEYS,
  'host.name',
  'host.type',
  'cloud.provider',
  'cloud.platform',
  'cloud.account.id',
  'os.type',
  'telemetry.sdk.language',
] as const;

/**
 * dim_resource fields for a URN: type and a readable name from the URN, env/region/zone and labels
 * from the resource attributes when the resource is instrumented (virtual nodes have none).
 * Env: deployment.environment.name > deployment.environment; region: cloud.region; zone:
 * cloud.availability_zone. Labels also carry the URN's components (`db.system`, `messaging.system`, ...).
 */
export function resourceFromUrn(urn: string, attrs?: Attrs): ResourceDescriptor {
  const p = parseUrn(urn) ?? { type: 'other', parts: [urn] };
  const labels: Record<string, string> = {};
  for (const k of LABEL_KEYS) {
    const v = attr(attrs, k);
    if (v !== undefined) labels[k] = v;
  }
  const [a, b, c] = p.parts;
  let name: string;
  switch (p.type) {
    case 'user':
      name = 'user';
      break;
    case 'k8s_service':
      name = b ?? UNKNOWN;
      if (a !== undefined) labels['k8s.namespace.name'] = a;
      break;
    case 'service':
      name = b ?? UNKNOWN;
      if (a !== undefined) labels['service.namespace'] = a;
      break;
    case 'host':
      name = a ?? UNKNOWN;
      break;
    case 'database':
    case 'queue': {
      const prefix = p.type === 'database' ? 'db' : 'messaging';
      if (a !== undefined) labels[`${prefix}.system`] = a;
      if (b !== undefined) labels[`${prefix}.cluster`] = b;
      if (c !== undefined) labels[p.type === 'database' ? 'db.namespace' : 'messaging.destination.name'] = c;
      name = c ?? b ?? a ?? UNKNOWN;
      break;
    }
    default:
      name = p.parts.filter((x) => x !== undefined).join('/') || urn;
  }
  return {
    urn,
    type: p.type,
    name,
    env: attr(attrs, 'deployment.environment.name', 'deployment.environment') ?? null,
    region: attr(attrs, 'cloud.region') ?? null,
    zone: attr(attrs, 'cloud.availability_zone') ?? null,
    labels,
  };
}
