import { isRecord } from './attr-path.js';
import { idKeys, type IacGraphContext, type IacNode } from './graph-context.js';

/**
 * Terraform dependencies name resources, not instances: `aws_instance.app[3]` depending on
 * `aws_subnet.private` depends, as written, on all 16 subnets. Each such group is narrowed to
 * the instances the object really refers to: first those whose id/ARN appears in its attributes
 * (`subnet_id = "subnet-3"`), else those reachable through its other, already certain,
 * dependencies (the VPC of that subnet). A group that cannot be narrowed is kept whole.
 * Returns the chosen dependency keys per object key.
 */
export function narrowDependencies(ctx: IacGraphContext): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const certain = new Map<string, Set<string>>();
  const ambiguous: { node: IacNode; group: string[] }[] = [];
  const ids = new Map<string, string[]>();
  const idsOf = (k: string): string[] => {
    let v = ids.get(k);
    if (v === undefined) {
      const t = ctx.byKey.get(k);
      v = t === undefined ? [] : idKeys(t.res.attrs);
      ids.set(k, v);
    }
    return v;
  };
  for (const n of ctx.nodes) {
    const groups = n.res.dependencyGroups;
    if (groups === undefined) {
      out.set(n.res.key, n.res.dependsOn);
      continue;
    }
    const sure = new Set<string>();
    let strings: Set<string> | undefined;
    for (const g of groups) {
      if (g.length === 1) {
        sure.add(g[0] as string);
        continue;
      }
      strings ??= stringLeaves(n.res.attrs);
      const s = strings;
      const referenced = g.filter((k) => idsOf(k).some((id) => s.has(id)));
      if (referenced.length > 0) for (const k of referenced) sure.add(k);
      else ambiguous.push({ node: n, group: g });
    }
    certain.set(n.res.key, sure);
  }
  const reachable = (from: Iterable<string>): Set<string> => {
    const seen = new Set<string>();
    let frontier = [...from];
    for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const k of frontier) {
        for (const d of certain.get(k) ?? []) {
          if (seen.has(d)) continue;
          seen.add(d);
          next.push(d);
        }
      }
      frontier = next;
    }
    return seen;
  };
  const extra = new Map<string, Set<string>>();
  for (const { node, group } of ambiguous) {
    const reach = reachable(certain.get(node.res.key) ?? []);
    const keep = group.filter((k) => reach.has(k));
    const set = extra.get(node.res.key) ?? new Set<string>();
    for (const k of keep.length > 0 ? keep : group) set.add(k);
    extra.set(node.res.key, set);
  }
  for (const [key, sure] of certain) out.set(key, [...new Set([...sure, ...(extra.get(key) ?? [])])]);
  return out;
}

function stringLeaves(v: unknown, out = new Set<string>()): Set<string> {
  if (typeof v === 'string') out.add(v);
  else if (Array.isArray(v)) for (const x of v) stringLeaves(x, out);
  else if (isRecord(v)) for (const x of Object.values(v)) stringLeaves(x, out);
  return out;
}
