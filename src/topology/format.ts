import type { TopologyExtract } from './model.js';

/**
 * The document `topo extract --json` prints:
 * `{resources: [{urn, type, name, labels}], edges: [{src, dst, relation, props}], skipped: {<type>: count}}`.
 * `env`, `region` and `zone` are added to a resource only when known.
 */
export function toTopologyJson(x: TopologyExtract): {
  resources: {
    urn: string;
    type: string;
    name: string;
    env?: string;
    region?: string;
    zone?: string;
    labels: Record<string, string>;
  }[];
  edges: { src: string; dst: string; relation: string; props: Record<string, unknown> }[];
  skipped: Record<string, number>;
} {
  return {
    resources: x.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      ...(r.env === undefined ? {} : { env: r.env }),
      ...(r.region === undefined ? {} : { region: r.region }),
      ...(r.zone === undefined ? {} : { zone: r.zone }),
      labels: r.labels,
    })),
    edges: x.edges.map((e) => ({ src: e.src, dst: e.dst, relation: e.relation, props: e.props })),
    skipped: x.skipped,
  };
}

function table(rows: string[][], header: string[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Short form of a URN for a terminal: the resource name when known. */
function label(urn: string, names: Map<string, string>): string {
  const n = names.get(urn);
  return n !== undefined && n !== urn ? `${n} (${urn})` : urn;
}

/** Human-readable summary: edges grouped by relation, then counts and skipped types. */
export function formatTopologyTable(x: TopologyExtract, options: { maxEdges?: number } = {}): string {
  const max = options.maxEdges ?? 500;
  const names = new Map(x.resources.map((r) => [r.urn, r.name]));
  const rows = x.edges.slice(0, max).map((e) => {
    const ports = Array.isArray(e.props.ports) ? e.props.ports.join(',') : '';
    const flags = ['inferred', 'redundant', 'transitive', 'logical', 'external', 'collapsed']
      .filter((k) => e.props[k] === true)
      .join(',');
    return [label(e.src, names), e.relation, label(e.dst, names), ports, flags];
  });
  const parts = [table(rows, ['SOURCE', 'RELATION', 'TARGET', 'PORTS', 'FLAGS'])];
  if (x.edges.length > max) parts.push(`... ${x.edges.length - max} more edges (use --json for all)`);
  const byRel = new Map<string, number>();
  for (const e of x.edges) byRel.set(e.relation, (byRel.get(e.relation) ?? 0) + 1);
  parts.push('');
  parts.push(
    `${x.resources.length} resources, ${x.edges.length} edges (${[...byRel].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'})`,
  );
  const skipped = Object.entries(x.skipped);
  if (skipped.length > 0)
    parts.push(`unmapped types kept as generic nodes: ${skipped.map(([t, n]) => `${t} x${n}`).join(', ')}`);
  const stats = Object.entries(x.stats);
  if (stats.length > 0) parts.push(`notes: ${stats.map(([k, n]) => `${k}=${n}`).join(', ')}`);
  for (const w of x.warnings) parts.push(`warning: ${w}`);
  return parts.join('\n');
}
