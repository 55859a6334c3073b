import type { TopologyBuilder } from '../builder.js';
import type { EdgeProps, Relation } from '../model.js';
import { cloudUrn, k8sUrn, tfUrn } from '../urn.js';
import { firstString, stringMapAt, stringsAt } from './attr-path.js';
import type { IacDocument, IacResource } from './iac-resource.js';
import { kindOf, type KindInfo } from './kinds.js';

/** An object of the document; connectors have no URN (they become edges, not nodes). */
export interface IacNode {
  res: IacResource;
  info: KindInfo | undefined;
  urn: string | undefined;
}

const ALIAS_ATTRS = [
  'private_ip',
  'public_ip',
  'private_dns',
  'public_dns',
  'dns_name',
  'address',
  'endpoint',
  'fqdn',
  'private_ip_address',
  'private_ip_addresses',
  'public_ip_address',
  'primary_endpoint_address',
  'reader_endpoint_address',
  'configuration_endpoint_address',
  'cache_nodes.address',
  'network_interface.network_ip',
  'network_interface.access_config.nat_ip',
  'ip_address',
];

/** Host part of an endpoint alias (`db.x.rds.amazonaws.com:5432` -> `db.x.rds.amazonaws.com`). */
export function aliasKey(v: string): string {
  let s = v.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  s = s.replace(/\/.*$/, '');
  if (!s.startsWith('[')) s = s.replace(/:\d+$/, '');
  return s.replace(/\.$/, '');
}

function gcpPath(v: string): string | undefined {
  if (!v.startsWith('https://')) return undefined;
  const m = /^https:\/\/[^/]+\/[^/]+\/(?:v1|beta|v1beta\d*)\/(projects\/.*)$/.exec(v);
  return m?.[1];
}

export class IacGraphContext {
  readonly nodes: IacNode[] = [];
  readonly byKey = new Map<string, IacNode>();
  readonly #byId = new Map<string, IacNode[]>();
  readonly #byName = new Map<string, IacNode[]>();
  readonly #byAlias = new Map<string, IacNode[]>();
  readonly #byType = new Map<string, IacNode[]>();
  /** Explicit dependencies per object key, after narrowing (set by the graph builder). */
  deps = new Map<string, string[]>();

  constructor(
    readonly doc: IacDocument,
    readonly b: TopologyBuilder,
  ) {
    for (const res of doc.resources) {
      const info = kindOf(res.type);
      const node: IacNode = { res, info, urn: info?.connector === true ? undefined : urnFor(res, info, doc.stateId) };
      this.nodes.push(node);
      this.byKey.set(res.key, node);
      push(this.#byType, res.type, node);
      for (const id of idKeys(res.attrs)) push(this.#byId, id, node);
      const name = firstString(res.attrs, 'name', 'metadata.name');
      if (name !== undefined) push(this.#byName, `${res.type}\u0000${name}`, node);
      if (node.urn !== undefined) for (const a of aliasesOf(res)) push(this.#byAlias, aliasKey(a), node);
    }
  }

  dependenciesOf(n: IacNode): string[] {
    return this.deps.get(n.res.key) ?? n.res.dependsOn;
  }

  ofType(...types: string[]): IacNode[] {
    return types.flatMap((t) => this.#byType.get(t) ?? []);
  }

  /** Objects whose id, ARN or self link is `value`; else, when given, objects of those types named `value`. */
  resolve(value: string, byNameIn?: readonly string[]): IacNode[] {
    let hits = this.#byId.get(value);
    if (hits === undefined && value.startsWith('/subscriptions/')) hits = this.#byId.get(value.toLowerCase());
    if (hits === undefined) {
      const p = gcpPath(value);
      if (p !== undefined) hits = this.#byId.get(p);
    }
    if (hits !== undefined) return hits;
    if (byNameIn === undefined) return [];
    // Name references: `default`, or the last segment of a partial path (`zones/z/instances/x`).
    const name = value.includes('/') ? (value.split('/').pop() ?? value) : value;
    return byNameIn.flatMap((t) => this.#byName.get(`${t}\u0000${name}`) ?? []);
  }

  resolveAlias(value: string): IacNode[] {
    return this.#byAlias.get(aliasKey(value)) ?? [];
  }

  byName(type: string, name: string): IacNode[] {
    return this.#byName.get(`${type}\u0000${name}`) ?? [];
  }

  /** Adds an edge between two nodes; connectors and unknown ends are ignored. */
  edge(src: IacNode, dst: IacNode, relation: Relation, props: EdgeProps): void {
    if (src.urn === undefined || dst.urn === undefined) return;
    this.b.addEdge(src.urn, dst.urn, relation, { source: src.res.source, ...props });
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [v]);
  else l.push(v);
}

/** Keys under which an object can be referenced: id, ARN, self link (and their normal forms). */
export function idKeys(attrs: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of ['id', 'arn', 'self_link']) {
    const v = attrs[k];
    if (typeof v !== 'string' || v === '') continue;
    out.push(v);
    if (v.startsWith('/subscriptions/')) out.push(v.toLowerCase());
    const p = gcpPath(v);
    if (p !== undefined) out.push(p);
  }
  return out;
}

export function aliasesOf(res: IacResource): string[] {
  const out = new Set<string>();
  for (const k of ['id', 'arn', 'self_link']) {
    const v = res.attrs[k];
    if (typeof v === 'string' && v !== '') out.add(v);
  }
  for (const a of ALIAS_ATTRS) for (const v of stringsAt(res.attrs, a)) out.add(v);
  return [...out];
}

function stringId(attrs: Record<string, unknown>): string | undefined {
  const id = attrs.id;
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : undefined;
}

export function urnFor(res: IacResource, info: KindInfo | undefined, stateId: string): string {
  if (info?.k8sKind !== undefined) {
    const name = firstString(res.attrs, 'metadata.name') ?? res.name;
    if (info.k8sKind === 'namespace') return k8sUrn('namespace', undefined, name);
    return k8sUrn(info.k8sKind, firstString(res.attrs, 'metadata.namespace') ?? 'default', name);
  }
  const id = stringId(res.attrs);
  if (info?.cloud !== undefined && info.urnKind !== undefined && id !== undefined)
    return cloudUrn(info.cloud, info.urnKind, id);
  if (res.source === 'pulumi') return res.key;
  return tfUrn(res.type, id, stateId, res.key);
}

const ENV_KEYS = ['env', 'Env', 'ENV', 'environment', 'Environment', 'stage', 'Stage'];

/** Name, placement and labels of a node, as `dim_resource` wants them. */
export function describe(node: IacNode): {
  name: string;
  env: string | undefined;
  region: string | undefined;
  zone: string | undefined;
  labels: Record<string, string>;
} {
  const { res } = node;
  const tags = {
    ...stringMapAt(res.attrs, 'labels'),
    ...stringMapAt(res.attrs, 'metadata.labels'),
    ...stringMapAt(res.attrs, 'tags'),
  };
  const name =
    tags.Name ??
    firstString(
      res.attrs,
      'metadata.name',
      'name',
      'identifier',
      'cluster_identifier',
      'function_name',
      'bucket',
      'cluster_id',
    ) ??
    (res.source === 'pulumi' ? res.name : res.key);
  let env: string | undefined;
  for (const k of ENV_KEYS) env ??= tags[k];
  const zone = firstString(res.attrs, 'availability_zone', 'zone');
  let region = firstString(res.attrs, 'region', 'location');
  const arn = firstString(res.attrs, 'arn');
  if (region === undefined && arn !== undefined) region = /^arn:[^:]+:[^:]+:([a-z0-9-]+):/.exec(arn)?.[1];
  if (region === undefined && zone !== undefined) region = regionOfZone(zone);
  if (region !== undefined && node.info?.cloud === 'azure') region = region.toLowerCase().replace(/\s+/g, '');
  const labels: Record<string, string> = {
    ...tags,
    'iac.source': res.source,
    'iac.address': res.key,
    'iac.type': res.rawType,
  };
  if (res.module !== undefined) labels['iac.module'] = res.module;
  if (res.provider !== undefined) labels['iac.provider'] = res.provider;
  if (res.tainted === true) labels['iac.tainted'] = 'true';
  return { name, env, region, zone, labels };
}

/** `us-east-1a` -> `us-east-1` (AWS), `us-central1-a` -> `us-central1` (GCP), `cn-hangzhou-h` -> `cn-hangzhou`. */
export function regionOfZone(zone: string): string | undefined {
  if (/^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/.test(zone)) return zone.slice(0, -1);
  if (/^[a-z]+(-[a-z]+)*\d+-[a-z]$/.test(zone)) return zone.slice(0, -2);
  if (/^[a-z]{2}-[a-z]+-[a-z]$/.test(zone)) return zone.slice(0, -2);
  return undefined;
}
