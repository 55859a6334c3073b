/**
 * What every topology extractor produces: the resources an input names and the edges between
 * them. Edge identity is (src, dst, relation); `props` carry provenance (ports, the connector
 * resources that implied the edge, the variable or template it came from).
 */
export const RELATIONS = ['DEPENDS_ON', 'RUNS_ON', 'CONNECTS_TO', 'MEMBER_OF'] as const;
export type Relation = (typeof RELATIONS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type EdgeProps = Record<string, JsonValue>;

export interface Edge {
  /** URN of the actor (the caller, the member, the dependent). */
  src: string;
  dst: string;
  relation: Relation;
  props: EdgeProps;
}

/** A resource as `dim_resource` stores it; `aliases` (ids, ARNs, IPs, DNS names) help later resolution. */
export interface TopoResource {
  urn: string;
  /** Node kind: host, database, load_balancer, subnet, ansible_group, ... (`other` when unmapped). */
  type: string;
  name: string;
  env?: string;
  region?: string;
  zone?: string;
  labels: Record<string, string>;
  aliases: string[];
}

/** Version markers of the ingested source, so a writer can skip an unchanged input. */
export interface SourceVersion {
  lineage?: string;
  serial?: number;
  /** ISO time stamp (Pulumi manifest time, snapshot capture time). */
  time?: string;
}

export type TopologySource = 'terraform' | 'pulumi' | 'snapshot' | 'ansible';

export interface TopologyExtract {
  sources: TopologySource[];
  version?: SourceVersion;
  /** Sorted by URN. */
  resources: TopoResource[];
  /** Sorted by (src, dst, relation); no duplicates, no self-loops. */
  edges: Edge[];
  /** Resource types with no mapping: kept as generic nodes, counted here per type. */
  skipped: Record<string, number>;
  /** Other counters: dangling references, data sources, unresolved Jinja, ... */
  stats: Record<string, number>;
  /** Things a user may want to know (unresolved variables, ignored files); never fatal. */
  warnings: string[];
}

export function edgeKey(e: { src: string; dst: string; relation: string }): string {
  return `${e.src}\u0000${e.dst}\u0000${e.relation}`;
}
