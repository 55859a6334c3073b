import {
  edgeKey,
  type Edge,
  type EdgeProps,
  type Relation,
  type SourceVersion,
  type TopoResource,
  type TopologyExtract,
  type TopologySource,
} from './model.js';
import { mergeProps, normalizeProps } from './props.js';

export interface ResourceInput {
  urn: string;
  type: string;
  name: string;
  env?: string | undefined;
  region?: string | undefined;
  zone?: string | undefined;
  labels?: Record<string, string>;
  aliases?: Iterable<string>;
}

/**
 * Collects resources and edges while an extractor walks its input: the same resource or edge
 * seen twice is merged (labels and aliases unioned, edge props merged), self-loops are dropped.
 */
export class TopologyBuilder {
  readonly #resources = new Map<string, { r: TopoResource; aliases: Set<string> }>();
  readonly #edges = new Map<string, Edge>();
  readonly #skipped = new Map<string, number>();
  readonly #stats = new Map<string, number>();
  readonly #warnings: string[] = [];
  readonly #sources = new Set<TopologySource>();
  version: SourceVersion | undefined;

  constructor(source?: TopologySource) {
    if (source !== undefined) this.#sources.add(source);
  }

  addSource(source: TopologySource): void {
    this.#sources.add(source);
  }

  hasResource(urn: string): boolean {
    return this.#resources.has(urn);
  }

  getResource(urn: string): TopoResource | undefined {
    return this.#resources.get(urn)?.r;
  }

  addResource(input: ResourceInput): void {
    const prev = this.#resources.get(input.urn);
    if (prev === undefined) {
      const r: TopoResource = {
        urn: input.urn,
        type: input.type,
        name: input.name,
        labels: { ...input.labels },
        aliases: [],
      };
      if (input.env !== undefined) r.env = input.env;
      if (input.region !== undefined) r.region = input.region;
      if (input.zone !== undefined) r.zone = input.zone;
      this.#resources.set(input.urn, { r, aliases: new Set(input.aliases ?? []) });
      return;
    }
    // A second sighting (same cloud id from two documents, a host in two inventories): keep
    // the first name and type, fill what was missing.
    const r = prev.r;
    if (r.type === 'other' && input.type !== 'other') r.type = input.type;
    r.env ??= input.env;
    r.region ??= input.region;
    r.zone ??= input.zone;
    for (const [k, v] of Object.entries(input.labels ?? {})) if (!(k in r.labels)) r.labels[k] = v;
    for (const a of input.aliases ?? []) prev.aliases.add(a);
  }

  addEdge(src: string, dst: string, relation: Relation, props: EdgeProps = {}): void {
    if (src === dst) {
      this.count('self_edges_dropped');
      return;
    }
    const key = edgeKey({ src, dst, relation });
    const prev = this.#edges.get(key);
    if (prev === undefined) this.#edges.set(key, { src, dst, relation, props });
    else prev.props = mergeProps(prev.props, props);
  }

  hasEdge(src: string, dst: string, relation: Relation): boolean {
    return this.#edges.has(edgeKey({ src, dst, relation }));
  }

  edges(): IterableIterator<Edge> {
    return this.#edges.values();
  }

  skip(type: string, n = 1): void {
    this.#skipped.set(type, (this.#skipped.get(type) ?? 0) + n);
  }

  count(stat: string, n = 1): void {
    this.#stats.set(stat, (this.#stats.get(stat) ?? 0) + n);
  }

  warn(message: string): void {
    this.#warnings.push(message);
  }

  build(): TopologyExtract {
    // Every edge end must be a resource, so a writer can resolve both ids.
    for (const e of this.#edges.values()) {
      for (const urn of [e.src, e.dst]) {
        if (!this.#resources.has(urn)) {
          this.addResource({ urn, type: 'external', name: urn });
          this.count('implicit_resources');
        }
      }
    }
    const resources = [...this.#resources.values()]
      .map(({ r, aliases }) => ({ ...r, labels: sortRecord(r.labels), aliases: [...aliases].sort() }))
      .sort((a, b) => cmp(a.urn, b.urn));
    const edges = [...this.#edges.values()]
      .map((e) => ({ ...e, props: normalizeProps(e.props) }))
      .sort((a, b) => cmp(a.src, b.src) || cmp(a.dst, b.dst) || cmp(a.relation, b.relation));
    const out: TopologyExtract = {
      sources: [...this.#sources].sort(),
      resources,
      edges,
      skipped: sortRecord(Object.fromEntries(this.#skipped)),
      stats: sortRecord(Object.fromEntries(this.#stats)),
      warnings: [...this.#warnings],
    };
    if (this.version !== undefined) out.version = this.version;
    return out;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => cmp(a, b)));
}

/** Union of several extracts (e.g. a Terraform state and an inventory given together). */
export function mergeExtracts(parts: readonly TopologyExtract[]): TopologyExtract {
  const b = new TopologyBuilder();
  for (const p of parts) {
    for (const s of p.sources) b.addSource(s);
    for (const r of p.resources) b.addResource(r);
    for (const e of p.edges) b.addEdge(e.src, e.dst, e.relation, e.props);
    for (const [t, n] of Object.entries(p.skipped)) b.skip(t, n);
    for (const [t, n] of Object.entries(p.stats)) b.count(t, n);
    for (const w of p.warnings) b.warn(w);
    if (parts.length === 1 && p.version !== undefined) b.version = p.version;
  }
  return b.build();
}
