/**
 * A minimal re-implementation of Drain3's default behaviour (depth 4, sim_th 0.4, max_children 100,
 * parametrize_numeric_tokens, no masking, whitespace tokens), used only as the comparison baseline in
 * accuracy.ts. Written from the algorithm's description, not copied.
 */
const P = '<*>';

interface Node {
  children: Map<string, Node>;
  clusters: number[];
}
interface Cluster {
  id: number;
  tokens: string[];
}

export class Drain3Baseline {
  readonly #root: Node = { children: new Map(), clusters: [] };
  readonly #clusters: Cluster[] = [];
  constructor(
    readonly depth = 4,
    readonly simTh = 0.4,
    readonly maxChildren = 100,
  ) {}

  add(line: string): number {
    const tokens = line
      .trim()
      .split(/\s+/)
      .filter((t) => t.length > 0);
    const c = this.#search(tokens);
    if (c === null) {
      const nc: Cluster = { id: this.#clusters.length + 1, tokens };
      this.#clusters.push(nc);
      this.#insert(nc);
      return nc.id;
    }
    c.tokens = c.tokens.map((t, i) => (t === tokens[i] ? t : P));
    return c.id;
  }

  template(id: number): string {
    return this.#clusters[id - 1]!.tokens.join(' ');
  }

  #search(tokens: string[]): Cluster | null {
    let node = this.#root.children.get(String(tokens.length));
    if (node === undefined) return null;
    if (tokens.length === 0) return this.#clusters[node.clusters[0]! - 1] ?? null;
    let depth = 1;
    for (const t of tokens) {
      if (depth >= this.depth - 2 || depth === tokens.length) break;
      const next: Node | undefined = node.children.get(t) ?? node.children.get(P);
      if (next === undefined) return null;
      node = next;
      depth++;
    }
    let best: Cluster | null = null;
    let bestSim = -1;
    let bestParams = -1;
    for (const id of node.clusters) {
      const c = this.#clusters[id - 1]!;
      let sim = 0;
      let params = 0;
      for (let i = 0; i < tokens.length; i++) {
        if (c.tokens[i] === P) params++;
        else if (c.tokens[i] === tokens[i]) sim++;
      }
      const s = sim / tokens.length;
      if (s > bestSim || (s === bestSim && params > bestParams)) {
        bestSim = s;
        bestParams = params;
        best = c;
      }
    }
    return bestSim >= this.simTh ? best : null;
  }

  #insert(c: Cluster): void {
    const n = c.tokens.length;
    let node = this.#root.children.get(String(n));
    if (node === undefined) {
      node = { children: new Map(), clusters: [] };
      this.#root.children.set(String(n), node);
    }
    if (n === 0) {
      node.clusters = [c.id];
      return;
    }
    let depth = 1;
    for (const t of c.tokens) {
      if (depth >= this.depth - 2 || depth >= n) {
        node.clusters.push(c.id);
        break;
      }
      const ch: Map<string, Node> = node.children;
      let next = ch.get(t);
      if (next === undefined) {
        let key: string;
        if (/\d/.test(t)) key = P;
        else if (ch.has(P)) key = ch.size < this.maxChildren ? t : P;
        else key = ch.size + 1 < this.maxChildren ? t : P;
        next = ch.get(key);
        if (next === undefined) {
          next = { children: new Map(), clusters: [] };
          ch.set(key, next);
        }
      }
      node = next;
      depth++;
    }
  }
}
