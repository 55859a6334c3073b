/**
 * Picks one shortest path, the same one on every backend: among all shortest paths from `from` to
 * `to`, the one whose sequence of URNs is smallest. Pure.
 *
 * Input: `length` (the distance), forward distances from `from` and backward distances to `to`
 * (both without their own start, as GraphReader.hopDistances returns them), and the edges leaving the
 * nodes that lie on some shortest path. A node v lies on one iff df(v) + db(v) = length; walking from
 * `from` and always taking the smallest-URN successor one step further on such a node never gets stuck
 * and gives the smallest sequence, because sequences are compared from the first node on.
 */
export function pickShortestPath(
  from: number,
  to: number,
  length: number,
  forward: ReadonlyMap<number, number>,
  backward: ReadonlyMap<number, number>,
  edges: readonly { src: number; dst: number }[],
  urnOf: (id: number) => string,
): number[] {
  const df = (v: number): number | undefined => (v === from ? 0 : forward.get(v));
  const db = (v: number): number | undefined => (v === to ? 0 : backward.get(v));
  const next = new Map<number, number[]>();
  for (const e of edges) {
    const a = df(e.src);
    const b = db(e.dst);
    if (a === undefined || b === undefined || a + 1 + b !== length) continue;
    if (df(e.dst) !== a + 1) continue;
    const list = next.get(e.src) ?? [];
    list.push(e.dst);
    next.set(e.src, list);
  }
  const path = [from];
  let cur = from;
  for (let i = 0; i < length; i++) {
    const options = next.get(cur);
    if (!options || options.length === 0) throw new Error(`shortest path: no step from resource ${cur} at hop ${i}`);
    cur = options.reduce((best, v) => (urnOf(v) < urnOf(best) ? v : best));
    path.push(cur);
  }
  return path;
}

/** The nodes that lie on some shortest path of `length` between the two ends. */
export function nodesOnShortestPaths(
  from: number,
  to: number,
  length: number,
  forward: ReadonlyMap<number, number>,
  backward: ReadonlyMap<number, number>,
): number[] {
  const out = [from];
  for (const [v, a] of forward) {
    if (v === to || v === from) continue;
    const b = backward.get(v);
    if (b !== undefined && a + b === length) out.push(v);
  }
  if (to !== from) out.push(to);
  return out;
}
