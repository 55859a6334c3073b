/**
 * The read API as the page uses it. Response shapes mirror the server's (src/api/routes/*,
 * src/db/queries/*, src/db/graph/queries.ts); the browser tests compare what the page shows with
 * what the server and the CLI return, so a drift shows there.
 */

const TOKEN_KEY = 'observebridge.token';

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(t: string | null): void {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An answer of the API that is not 2xx: its status and the server's message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Listeners told when a request needs a (new) token. */
const authListeners = new Set<(f: ApiFailure) => void>();
export function onAuthNeeded(fn: (f: ApiFailure) => void): void {
  authListeners.add(fn);
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (json ?? {}) as { error?: string; message?: string; field?: string };
    const f = new ApiFailure(res.status, e.error ?? 'http_error', e.message ?? `HTTP ${res.status}`, e.field);
    if (res.status === 401 || res.status === 403) for (const fn of authListeners) fn(f);
    throw f;
  }
  return json as T;
}

export function get<T>(path: string, query: Record<string, string | number | null | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return request<T>('GET', qs ? `${path}?${qs}` : path);
}

export function post<T>(path: string, body: unknown): Promise<T> {
  return request<T>('POST', path, body);
}

let routes: Promise<Set<string>> | null = null;

/**
 * Whether this server has a route (its /openapi.json, read once): a page that uses a route of a
 * newer server asks first instead of provoking a 404.
 */
export async function hasRoute(path: string): Promise<boolean> {
  routes ??= get<{ paths: Record<string, unknown> }>('/openapi.json').then(
    (d) => new Set(Object.keys(d.paths)),
    () => new Set<string>(),
  );
  return (await routes).has(path);
}

// ---- shapes -----------------------------------------------------------------------------------

export type Dataset = 'calls' | 'metrics' | 'logs';
export interface DatasetExtent {
  dataset: Dataset;
  oldest: string | null;
  newest: string | null;
  newest_end: string | null;
  step_ms: number;
}
export interface PairStatus {
  job: string;
  tenant: string;
  last_success_to: string | null;
  lag_seconds: number | null;
  queued: number;
  running: number;
  failed: number;
  dead: number;
  circuit: 'closed' | 'open' | 'half_open';
  last_error: string | null;
  align_ms: number;
  durations_ms: number[];
}
export interface StatusResponse {
  now: string;
  jobs: string[];
  tenants: { code: string; name: string; enabled: boolean; data: Record<Dataset, DatasetExtent> }[];
  pairs: PairStatus[];
}
export interface GraphNode {
  id: number;
  urn: string;
  type: string;
}
export interface GraphEdge {
  src: string;
  dst: string;
  calls: number;
  errors: number;
  rps: number;
  err_rate: number;
  p95_ms: number | null;
  first_seen: string;
  last_seen: string;
}
export interface ActiveGraph {
  tenant: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  at?: string;
  as_of?: string;
}
export interface ImpactNode extends GraphNode {
  hops: number;
}
export interface ImpactResult {
  tenant: string;
  urn: string;
  hops: number;
  upstream?: ImpactNode[];
  downstream?: ImpactNode[];
}
export interface Dependency {
  dst: string;
  dst_type: string;
  calls: number;
  errors: number;
  err_rate: number;
  rps: number;
  p95_ms: number | null;
}
export interface DependencyReport {
  tenant: string;
  service: string;
  from: string;
  to: string;
  span_basis: 'now' | 'at' | 'newest_data';
  newest_data: string | null;
  dependencies: Dependency[];
}
export interface TopoEdge {
  src: string;
  src_type: string;
  dst: string;
  dst_type: string;
  relation: string;
  origin: string;
  props: unknown;
  valid_from: string | null;
  valid_to: string | null;
}
export interface TopologyPage {
  tenant: string;
  at: string;
  edges: TopoEdge[];
  next: string | null;
}
export interface RunRecord {
  run_id: number;
  job: string;
  window_from: string;
  window_to: string;
  status: string;
  attempt: number;
  last_error: string | null;
  started_at: string | null;
  finished_at: string | null;
}
export interface RunsPage {
  tenant: string;
  runs: RunRecord[];
  next: string | null;
}
export interface EnqueueResponse {
  job: string;
  tenant: string;
  from: string;
  to: string;
  align_ms: number;
  force: boolean;
  counts: { inserted: number; requeued: number; existing: number };
  states: Record<string, number>;
  windows: { from: string; to: string; status: string; action: string; due: boolean }[];
  windows_truncated: boolean;
}
export interface Locator {
  id: number;
  dataset: string;
  bucket: string;
  object_key: string;
  t_from: string | null;
  t_to: string | null;
  query_hint: string | null;
  attributes: unknown;
}
export interface Evidence {
  evidence_id: number;
  dim: string;
  ref_pg: unknown;
  note: string | null;
  locator: Locator | null;
}
/** An event as the rules engine's read API returns it (src/db/queries/events.ts, issue #14). */
export interface EventRecord {
  event_id: string;
  detected_at: string;
  severity: string;
  kind: string;
  title: string | null;
  summary: string | null;
  labels: unknown;
  resource: { urn: string; type: string } | null;
  // The lifecycle fields come with the rules engine; absent on an older server.
  status?: 'open' | 'resolved';
  source?: string;
  rule_id?: string | null;
  first_seen?: string | null;
  last_seen?: string | null;
  resolved_at?: string | null;
  value?: number | null;
  peak_value?: number | null;
  windows?: number;
  flaps?: number;
  acked?: { at: string; by: string | null; note: string | null } | null;
  evidence_count?: number;
}
export interface EventPage {
  tenant: string;
  events: EventRecord[];
  next: string | null;
}
export interface EventEvidence {
  tenant: string;
  event: EventRecord;
  evidence: Evidence[];
  next_offset: number | null;
}
