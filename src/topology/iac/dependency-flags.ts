import type { Edge } from '../model.js';

/**
 * Marks DEPENDS_ON edges that add nothing: `redundant` when a typed edge (MEMBER_OF, RUNS_ON,
 * CONNECTS_TO) joins the same pair, `transitive` when the dependency is also reachable through
 * other dependencies (Terraform lists indirect dependencies too, terraform PR #23252).
 * Edges are kept, so a reader can still see what the source said.
 */
export function flagDependencies(edges: Iterable<Edge>): { redundant: number; transitive: number } {
  const typed = new Set<string>();
  const deps: Edge[] = [];
  for (const e of edges) {
    if (e.relation === 'DEPENDS_ON') deps.push(e);
    else typed.add(`${e.src}\u0000${e.dst}`);
  }
  const succ = new Map<string, string[]>();
  for (const e of deps) {
    const l = succ.get(e.src);
    if (l === undefined) succ.set(e.src, [e.dst]);
    else l.push(e.dst);
  }
  // For each node with several dependencies: everything reachable in two or more steps.
  const indirect = new Map<string, Set<string>>();
  for (const [src, direct] of succ) {
    if (direct.length < 2) continue;
    const seen = new Set<string>();
    const stack: string[] = [];
    for (const d of direct) for (const x of succ.get(d) ?? []) stack.push(x);
    while (stack.length > 0) {
      const x = stack.pop() as string;
      if (seen.has(x)) continue;
      seen.add(x);
      for (const y of succ.get(x) ?? []) if (!seen.has(y)) stack.push(y);
    }
    indirect.set(src, seen);
  }
  let redundant = 0;
  let transitive = 0;
  for (const e of deps) {
    if (typed.has(`${e.src}\u0000${e.dst}`)) {
      e.props = { ...e.props, redundant: true };
      redundant++;
    }
    if (indirect.get(e.src)?.has(e.dst) === true) {
      e.props = { ...e.props, transitive: true };
      transitive++;
    }
  }
  return { redundant, transitive };
}
