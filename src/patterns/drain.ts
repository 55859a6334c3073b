/**
 * Drain template miner (He et al., "Drain: An Online Log Parsing Approach with Fixed Depth Tree", 2017),
 * shaped like Drain3: a prefix tree keyed by token count and the first tokens, a similarity threshold,
 * a cap on children per node, and an optional LRU cap on clusters.
 *
 * Differences from Drain3, each for a reason:
 *  - Lines are masked first (masking.ts), which also drops a recognised line header, so most
 *    variables never reach the clustering step.
 *  - Similarity (`similarity: 'literal'`, the default) is the share of equal tokens among the
 *    line's literal (unmasked) tokens: a masked token says nothing about which pattern a line
 *    belongs to. Drain3 counts it as dissimilar, so a line that is mostly variables fails to match
 *    its own template and makes duplicates; counting it as similar merges short, variable-heavy lines.
 *  - Defaults are depth 5 and threshold 0.7 (Drain3: 4 and 0.4). Once variables are masked, the
 *    tokens left are mostly constant, and a stricter threshold keeps apart patterns that differ
 *    in a word; measured on loghub (bench/drain/ACCURACY.md).
 *  - A line that fits a cluster exactly (every literal token equal) joins the most specific such
 *    cluster, whatever the threshold. Templates only ever generalize, so a line that joined a cluster
 *    keeps fitting it: re-running a window after the dictionary moved on gives the same clusters.
 *  - Tree keys skip masked tokens (`prefix: 'literal'`): the first literal tokens of
 *    `<*> <*> Served block <*>` lead to its leaf, where Drain3 would key on the masks.
 *  - A line that matches nothing in its leaf is also tried against the sibling leaves under the
 *    last key (`siblingSearch`), so a variable word in a key position does not split a pattern.
 *  - A literal last token must be equal (`lastTokenLiteral`): the last word of a message often names
 *    the event's object or outcome (`initialized by client WindowsUpdateAgent.` / `client SPP.`,
 *    `open through proxy … HTTPS` / `SOCKS5`), and Drain's vote counts it as one token among many.
 *    Variables at the end (numbers, addresses, ids) are masked, so they still match.
 *
 * Fingerprints (the rule; see fingerprint.ts for the hash):
 *  - A cluster's fingerprint is the hash of its CURRENT template as rendered (`<*>` for every mask).
 *    Templates only generalize, so when a template changes, the cluster is renamed: its old
 *    fingerprint becomes an alias of the new one (`resolve`, `takeRenames`), and rows written under
 *    the old one still resolve (log_pattern_alias in the database).
 *  - One template, one cluster: when a cluster generalizes into the template of another, the two
 *    merge (the other one stays; the merged cluster's id and fingerprints become aliases of it).
 *  - So the fingerprint of a pattern depends only on its final template, not on which of its lines
 *    came first: a backfill of older history mined after newer windows ends with the fingerprints of
 *    a chronological run whenever the same lines end in the same clusters (measured in
 *    test/reliability/backfill-order.test.ts). A cluster that never generalized has the hash of its
 *    first line's masked form, as before aliases existed.
 *
 * Determinism: the same options, state and input order give the same clusters, ids, templates and
 * fingerprints. No randomness, clocks or hash-order iteration.
 * Memory: per cluster, its template and tree path; nothing per line.
 */
import { ConfigError } from '../core/errors.js';
import { fingerprintOfText } from './fingerprint.js';
import { Masker, PARAM, renderToken, type MaskingOptions } from './masking.js';

export interface DrainOptions {
  /** Tree depth as in Drain3: root, token count, then `depth - 3` token levels, then the leaf. Default 5, minimum 3. */
  depth?: number;
  /** Minimum share of similar tokens for a line to join a cluster. Default 0.7. */
  simThreshold?: number;
  /** Maximum children of a tree node; further tokens share the `<*>` child. Default 100. */
  maxChildren?: number;
  /** Maximum clusters kept; the least recently used is evicted beyond it. Default 0 = unlimited. */
  maxClusters?: number;
  /** Treat tokens with a digit as `<*>` in the tree (Drain3 parametrize_numeric_tokens). Default true. */
  parametrizeNumericTokens?: boolean;
  /** Tree keys: the first tokens (`position`, as Drain3) or the first literal tokens (`literal`). Default `literal`. */
  prefix?: 'literal' | 'position';
  /**
   * How similarity is counted. `literal` (default): equal tokens over the line's literal (unmasked)
   * tokens. `masked`: as Drain3, but a masked token in a `<*>` slot counts as similar. `drain3`: as Drain3.
   */
  similarity?: 'literal' | 'masked' | 'drain3';
  /**
   * When a line matches nothing in its leaf, also search the sibling leaves under the last tree key,
   * so a variable word in a key position (`user alice logged in`, `user bob logged in`) does not
   * split a pattern. Default true. Costs a little GA on loghub, whose ground truth often keeps such
   * lines apart (`Failed password` / `Failed none`); see bench/drain/ACCURACY.md.
   */
  siblingSearch?: boolean;
  /**
   * A line joins a cluster only when its last token equals the template's last token (or that is
   * `<*>`), unless masking made the line's last token a variable. Default true; measured on loghub
   * (bench/drain/ACCURACY.md). Costs a split where a plain word at the end is a variable
   * (`session closed for user alice` / `… bob`).
   */
  lastTokenLiteral?: boolean;
  /** Lines longer than this many characters are cut before mining. Default 8192. */
  maxLineLength?: number;
  masking?: MaskingOptions;
}

export const DRAIN_DEFAULTS = {
  depth: 5,
  simThreshold: 0.7,
  maxChildren: 100,
  maxClusters: 0,
  parametrizeNumericTokens: true,
  prefix: 'literal',
  similarity: 'literal',
  siblingSearch: true,
  lastTokenLiteral: true,
  maxLineLength: 8192,
} as const satisfies Required<Omit<DrainOptions, 'masking'>>;

export type ResolvedDrainOptions = Required<Omit<DrainOptions, 'masking'>> & { masking: MaskingOptions };

/** What happened to the cluster a line was added to. */
export type ClusterChange = 'created' | 'generalized' | 'none';

export interface AddResult {
  clusterId: number;
  fingerprint: string;
  /** The cluster's template after this line, variables as `<*>`. */
  template: string;
  change: ClusterChange;
  /** `change !== 'none'`: the template is new or different. */
  changed: boolean;
  /** The line's own masked tokens (typed masks such as `<NUM>` kept; see renderToken). */
  tokens: readonly string[];
}

export interface ClusterInfo {
  clusterId: number;
  fingerprint: string;
  template: string;
  size: number;
}

export interface SerializedCluster {
  id: number;
  fingerprint: string;
  /** Internal template tokens (may hold typed masks such as `<IP>`). */
  tokens: string[];
  /** Tree keys the cluster hangs under. */
  path: string[];
  size: number;
}

export interface SerializedState {
  version: 1;
  options: ResolvedDrainOptions;
  nextId: number;
  /** Least recently used first. */
  clusters: SerializedCluster[];
  /** Old fingerprint → the fingerprint it resolves to (absent in states written before aliases). */
  aliases?: Record<string, string>;
}

/** A cluster renamed: rows under `from` now belong to the pattern `to`. */
export interface Rename {
  from: string;
  to: string;
}

interface Node {
  children: Map<string, Node> | null;
  clusters: Cluster[] | null;
}

class Cluster {
  size = 0;
  template: string;
  params: number;
  leaf: Cluster[] | null = null;
  /** Fingerprints and ids this cluster took over (renames and merges), to forget them on eviction. */
  aliases: string[] = [];
  mergedIds: number[] = [];
  constructor(
    readonly id: number,
    public fingerprint: string,
    readonly tokens: string[],
    readonly path: string[],
  ) {
    this.template = renderTemplate(tokens);
    let p = 0;
    for (const t of tokens) if (t === PARAM) p++;
    this.params = p;
  }
}

function renderTemplate(tokens: readonly string[]): string {
  let s = '';
  for (let i = 0; i < tokens.length; i++) s += (i === 0 ? '' : ' ') + renderToken(tokens[i]!);
  return s;
}

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** A bad miner option: a configuration error (the CLI exits with code 2). */
export class DrainConfigError extends ConfigError {}

export function resolveDrainOptions(opts: DrainOptions = {}): ResolvedDrainOptions {
  const o: ResolvedDrainOptions = {
    depth: opts.depth ?? DRAIN_DEFAULTS.depth,
    simThreshold: opts.simThreshold ?? DRAIN_DEFAULTS.simThreshold,
    maxChildren: opts.maxChildren ?? DRAIN_DEFAULTS.maxChildren,
    maxClusters: opts.maxClusters ?? DRAIN_DEFAULTS.maxClusters,
    parametrizeNumericTokens: opts.parametrizeNumericTokens ?? DRAIN_DEFAULTS.parametrizeNumericTokens,
    prefix: opts.prefix ?? DRAIN_DEFAULTS.prefix,
    similarity: opts.similarity ?? DRAIN_DEFAULTS.similarity,
    siblingSearch: opts.siblingSearch ?? DRAIN_DEFAULTS.siblingSearch,
    lastTokenLiteral: opts.lastTokenLiteral ?? DRAIN_DEFAULTS.lastTokenLiteral,
    maxLineLength: opts.maxLineLength ?? DRAIN_DEFAULTS.maxLineLength,
    masking: opts.masking ?? {},
  };
  if (!Number.isInteger(o.depth) || o.depth < 3)
    throw new DrainConfigError(`config: patterns.depth: must be an integer ≥ 3 (got ${o.depth})`);
  if (!(o.simThreshold >= 0 && o.simThreshold <= 1)) {
    throw new DrainConfigError(`config: patterns.simThreshold: must be between 0 and 1 (got ${o.simThreshold})`);
  }
  if (!Number.isInteger(o.maxChildren) || o.maxChildren < 2) {
    throw new DrainConfigError(`config: patterns.maxChildren: must be an integer ≥ 2 (got ${o.maxChildren})`);
  }
  if (!Number.isInteger(o.maxClusters) || o.maxClusters < 0) {
    throw new DrainConfigError(
      `config: patterns.maxClusters: must be an integer ≥ 0, 0 = unlimited (got ${o.maxClusters})`,
    );
  }
  if (!Number.isInteger(o.maxLineLength) || o.maxLineLength < 16) {
    throw new DrainConfigError(`config: patterns.maxLineLength: must be an integer ≥ 16 (got ${o.maxLineLength})`);
  }
  return o;
}

export class DrainMiner {
  readonly options: ResolvedDrainOptions;
  readonly masker: Masker;
  readonly #root = new Map<number, Node>();
  /** All live clusters; iteration order is least recently used first when maxClusters > 0. */
  readonly #byId = new Map<number, Cluster>();
  readonly #byFingerprint = new Map<string, Cluster>();
  /** Old fingerprints (before a rename or a merge) → the live cluster they belong to. */
  readonly #aliases = new Map<string, Cluster>();
  /** Ids of merged clusters → the live cluster. */
  readonly #mergedIds = new Map<number, Cluster>();
  #renames: Rename[] = [];
  readonly #levels: number;
  #nextId = 1;
  /** Whether the last `#best` result fits the line exactly. */
  #lastFit = false;

  constructor(opts: DrainOptions = {}) {
    this.options = resolveDrainOptions(opts);
    this.masker = new Masker(this.options.masking);
    this.#levels = this.options.depth - 3;
  }

  /** Masked tokens of a line, as the miner clusters them. */
  tokenize(line: string): string[] {
    const max = this.options.maxLineLength;
    return this.masker.tokens(line.length > max ? line.slice(0, max) : line);
  }

  /** Adds one line: finds or creates its cluster and generalizes the template when needed. */
  add(line: string): AddResult {
    const tokens = this.tokenize(line);
    let c = this.#search(tokens, this.options.simThreshold);
    let change: ClusterChange = 'none';
    if (c === null) {
      const fp = fingerprintOfText(renderTemplate(tokens));
      const same = this.#byFingerprint.get(fp) ?? this.#aliases.get(fp);
      if (same !== undefined && same.tokens.length === tokens.length) {
        // Same template (or a former one) under another tree path: one fingerprint, one cluster.
        c = same;
        const g = this.#generalize(c, tokens);
        if (g !== null) {
          c = g;
          change = 'generalized';
        }
      } else {
        c = this.#create(fp, tokens, this.#pathFor(tokens, true));
        change = 'created';
      }
    } else if (!this.#lastFit) {
      // (A line that fits its cluster exactly cannot change the template: no second pass.)
      const g = this.#generalize(c, tokens);
      if (g !== null) {
        c = g;
        change = 'generalized';
      }
    }
    c.size++;
    this.#touch(c);
    return {
      clusterId: c.id,
      fingerprint: c.fingerprint,
      template: c.template,
      change,
      changed: change !== 'none',
      tokens,
    };
  }

  /** The cluster a line fits exactly (no cluster is created or changed), or `null`. */
  match(line: string): ClusterInfo | null {
    const tokens = this.tokenize(line);
    let c = this.#search(tokens, 2);
    if (c === null) {
      const fp = fingerprintOfText(renderTemplate(tokens));
      const same = this.#byFingerprint.get(fp) ?? this.#aliases.get(fp);
      if (same !== undefined && fits(same.tokens, tokens)) c = same;
    }
    return c === null ? null : info(c);
  }

  clusters(): ClusterInfo[] {
    return [...this.#byId.values()].sort((a, b) => a.id - b.id).map(info);
  }

  /** The live cluster an id stands for (a merged cluster's id resolves to the one it merged into). */
  cluster(id: number): ClusterInfo | null {
    const c = this.#byId.get(id) ?? this.#mergedIds.get(id);
    return c === undefined ? null : info(c);
  }

  /** The fingerprint a fingerprint resolves to now: itself when live, its cluster's when an alias. */
  resolve(fingerprint: string): string {
    if (this.#byFingerprint.has(fingerprint)) return fingerprint;
    return this.#aliases.get(fingerprint)?.fingerprint ?? fingerprint;
  }

  /** Renames since the last call, in the order they happened (`to` may be renamed again later). */
  takeRenames(): Rename[] {
    const r = this.#renames;
    this.#renames = [];
    return r;
  }

  get size(): number {
    return this.#byId.size;
  }

  export(): SerializedState {
    return {
      version: 1,
      options: structuredClone(this.options),
      nextId: this.#nextId,
      clusters: [...this.#byId.values()].map((c) => ({
        id: c.id,
        fingerprint: c.fingerprint,
        tokens: [...c.tokens],
        path: [...c.path],
        size: c.size,
      })),
      aliases: Object.fromEntries([...this.#aliases].map(([fp, c]) => [fp, c.fingerprint])),
    };
  }

  static load(state: SerializedState, overrides: DrainOptions = {}): DrainMiner {
    if (state.version !== 1) throw new DrainConfigError(`drain state: unsupported version ${String(state.version)}`);
    const m = new DrainMiner({ ...state.options, ...overrides });
    for (const sc of state.clusters) {
      const c = m.#create(sc.fingerprint, [...sc.tokens], [...sc.path], sc.id);
      c.size = sc.size;
    }
    for (const [from, to] of Object.entries(state.aliases ?? {})) m.alias(from, to);
    m.#nextId = Math.max(m.#nextId, state.nextId);
    return m;
  }

  /**
   * Adds a cluster from outside (a persisted dictionary row): `tokens` is its template, `first` the
   * masked tokens of its first line (they place it in the tree). Returns the cluster id; a known
   * fingerprint is merged into the existing cluster instead.
   */
  seed(fingerprint: string, tokens: string[], first: string[] | null, size = 0): number {
    // Stored under another name than its template's (written before fingerprints followed the
    // template): the row becomes an alias of the canonical one.
    const canonical = fingerprintOfText(renderTemplate(tokens));
    const known = this.#byFingerprint.get(canonical) ?? this.#aliases.get(canonical);
    let c: Cluster;
    if (known !== undefined && known.tokens.length === tokens.length) {
      c = this.#generalize(known, tokens) ?? known;
    } else {
      const placeBy = first !== null && first.length === tokens.length ? first : tokens;
      c = this.#create(canonical, [...tokens], this.#pathFor(placeBy, true));
      c.size = size;
    }
    if (fingerprint !== c.fingerprint) this.#addAlias(fingerprint, c, true);
    return c.id;
  }

  /**
   * Records that `from` resolves to the pattern `to` (a persisted alias row, e.g. written by another
   * process). When this miner still has `from` as a live cluster, it merges into `to`. Ignored when
   * `to` is unknown here.
   */
  alias(from: string, to: string): void {
    const c = this.#byFingerprint.get(to) ?? this.#aliases.get(to);
    if (c === undefined || from === c.fingerprint) return;
    const live = this.#byFingerprint.get(from);
    if (live === undefined) this.#addAlias(from, c, false);
    else if (live.tokens.length === c.tokens.length) this.#rename(live, c.fingerprint);
  }

  // --- internals -------------------------------------------------------------------------------

  #addAlias(from: string, c: Cluster, report: boolean): void {
    if (this.#aliases.get(from) === c) return;
    this.#aliases.set(from, c);
    c.aliases.push(from);
    if (report) this.#renames.push({ from, to: c.fingerprint });
  }

  #create(fp: string, tokens: string[], path: string[], id?: number): Cluster {
    const cid = id ?? this.#nextId;
    if (cid >= this.#nextId) this.#nextId = cid + 1;
    const c = new Cluster(cid, fp, tokens, path);
    const leaf = this.#leafAt(tokens.length, path);
    leaf.push(c);
    c.leaf = leaf;
    this.#byId.set(cid, c);
    this.#byFingerprint.set(fp, c);
    this.#evict();
    return c;
  }

  #touch(c: Cluster): void {
    if (this.options.maxClusters > 0) {
      this.#byId.delete(c.id);
      this.#byId.set(c.id, c);
    }
  }

  #evict(): void {
    const max = this.options.maxClusters;
    if (max <= 0) return;
    while (this.#byId.size > max) {
      const oldest = this.#byId.values().next().value as Cluster;
      this.#byId.delete(oldest.id);
      if (this.#byFingerprint.get(oldest.fingerprint) === oldest) this.#byFingerprint.delete(oldest.fingerprint);
      for (const a of oldest.aliases) if (this.#aliases.get(a) === oldest) this.#aliases.delete(a);
      for (const id of oldest.mergedIds) if (this.#mergedIds.get(id) === oldest) this.#mergedIds.delete(id);
      const leaf = oldest.leaf;
      if (leaf !== null) {
        const i = leaf.indexOf(oldest);
        if (i >= 0) leaf.splice(i, 1);
      }
      oldest.leaf = null;
    }
  }

  /** Whether a token goes to the `<*>` child rather than a child of its own. */
  #isVariable(tok: string): boolean {
    // One pass: a digit answers at once; only a token with a '<' needs the mask lookup.
    const digits = this.options.parametrizeNumericTokens;
    for (let i = 0; i < tok.length; i++) {
      const c = tok.charCodeAt(i);
      if (c === 60) return tok === PARAM || this.masker.holdsMask(tok) || (digits && hasDigit(tok));
      if (digits && c >= 48 && c <= 57) return true;
    }
    return false;
  }

  /** The tokens that key the tree: the first `levels` (literal) tokens, never the last token. */
  #keyTokens(tokens: readonly string[]): string[] {
    const keys: string[] = [];
    const limit = tokens.length - 1;
    if (this.options.prefix === 'position') {
      for (let i = 0; i < limit && keys.length < this.#levels; i++) keys.push(tokens[i]!);
      return keys;
    }
    for (let i = 0; i < limit && keys.length < this.#levels; i++) {
      const t = tokens[i]!;
      if (!this.#isVariable(t)) keys.push(t);
    }
    return keys;
  }

  /** Whether `tokens[from, limit)` holds another tree key (see #keyTokens). */
  #keyAfter(tokens: readonly string[], from: number, limit: number): boolean {
    if (this.options.prefix === 'position') return from < limit;
    for (let j = from; j < limit; j++) if (!this.#isVariable(tokens[j]!)) return true;
    return false;
  }

  /** Tree path for a new cluster (Drain3's add_seq_to_prefix_tree rules for the `<*>` child). */
  #pathFor(tokens: readonly string[], create: boolean): string[] {
    const keys = this.#keyTokens(tokens);
    const path: string[] = [];
    let node = this.#root.get(tokens.length);
    const max = this.options.maxChildren;
    for (const k of keys) {
      const children = node?.children ?? null;
      let key: string;
      if (this.#isVariable(k)) key = PARAM;
      else if (children === null || children.has(k)) key = k;
      else if (children.size + (children.has(PARAM) ? 0 : 1) < max) key = k;
      else key = PARAM;
      path.push(key);
      node = children?.get(key);
      if (node === undefined && !create) break;
    }
    return path;
  }

  #leafAt(len: number, path: readonly string[]): Cluster[] {
    let node = this.#root.get(len);
    if (node === undefined) {
      node = { children: null, clusters: null };
      this.#root.set(len, node);
    }
    for (const k of path) {
      if (node.children === null) node.children = new Map();
      let next: Node | undefined = node.children.get(k);
      if (next === undefined) {
        next = { children: null, clusters: null };
        node.children.set(k, next);
      }
      node = next;
    }
    if (node.clusters === null) node.clusters = [];
    return node.clusters;
  }

  /** Cluster for `tokens`: searched in its leaf (then, optionally, in the sibling leaves under the last key). */
  #search(tokens: readonly string[], th: number): Cluster | null {
    let node = this.#root.get(tokens.length);
    if (node === undefined) return null;
    // The keys of #keyTokens, walked in place (no array per line); in `literal` mode every key is
    // a literal token by construction, so only `position` mode asks whether a key is variable.
    const literal = this.options.prefix !== 'position';
    const limit = tokens.length - 1;
    const levels = this.#levels;
    let parent: Node | null = null;
    let leafNode: Node | null = node;
    let taken = 0;
    for (let j = 0; j < limit && taken < levels; j++) {
      const k = tokens[j]!;
      let variable = false;
      if (literal) {
        if (this.#isVariable(k)) continue;
      } else variable = this.#isVariable(k);
      taken++;
      const ch: Map<string, Node> | null = node.children;
      const next: Node | undefined = ch === null ? undefined : ((variable ? undefined : ch.get(k)) ?? ch.get(PARAM));
      if (next === undefined) {
        // Only a miss at the last key has siblings worth searching.
        if (taken < levels && this.#keyAfter(tokens, j + 1, limit)) return null;
        leafNode = null;
        parent = node;
        break;
      }
      parent = node;
      node = next;
    }
    if (leafNode !== null && node.clusters !== null && node.clusters.length > 0) {
      const c = this.#best([node.clusters], tokens, th);
      if (c !== null) return c;
    }
    // No match under the last key: look at the sibling leaves, so a variable word in a key position
    // (`user alice logged in` / `user bob logged in`) does not keep its lines apart.
    if (!this.options.siblingSearch || parent === null || parent.children === null) return null;
    const leaves: Cluster[][] = [];
    for (const child of parent.children.values()) {
      if (child !== leafNode && child.clusters !== null && child.clusters.length > 0) leaves.push(child.clusters);
    }
    return leaves.length === 0 ? null : this.#best(leaves, tokens, th);
  }

  /**
   * Best cluster among `leaves` for `tokens`: the most specific cluster the line fits exactly if any,
   * else the most similar one if its similarity reaches `th` (ties: more parameters, as Drain3).
   */
  #best(leaves: readonly Cluster[][], tokens: readonly string[], th: number): Cluster | null {
    const n = tokens.length;
    const vars = this.masker.variableFlags;
    const mode = this.options.similarity;
    let bestFit: Cluster | null = null;
    let best: Cluster | null = null;
    let bestSim = -1;
    let bestParams = -1;
    // The last token, when literal, must be equal: see lastTokenLiteral.
    const lastTok = tokens[n - 1];
    const lastLiteral = this.options.lastTokenLiteral && n > 1 && lastTok !== undefined && !this.masker.isMask(lastTok);
    for (let li = 0; li < leaves.length; li++) {
      const leaf = leaves[li]!;
      for (let ci = 0; ci < leaf.length; ci++) {
        const c = leaf[ci]!;
        const t = c.tokens;
        if (lastLiteral && t[n - 1] !== lastTok && t[n - 1] !== PARAM) continue;
        let sim = 0;
        let den = 0;
        let params = 0;
        let fit = true;
        for (let i = 0; i < n; i++) {
          const a = t[i]!;
          const b = tokens[i]!;
          const isParam = a === PARAM;
          if (isParam) params++;
          else if (a !== b) fit = false;
          if (mode === 'literal') {
            // Only the line's literal tokens vote: its masked tokens say nothing about the pattern.
            if (vars[i] === 1) continue;
            den++;
            if (a === b) sim++;
          } else if (mode === 'masked') {
            den++;
            if (a === b || (isParam && vars[i] === 1)) sim++;
          } else {
            den++;
            if (!isParam && a === b) sim++;
          }
        }
        if (fit && (bestFit === null || c.params < bestFit.params)) bestFit = c;
        // A line of variables only has no literal to vote with: it joins a cluster only by fitting it.
        const s = den === 0 ? (fit ? 1 : 0) : sim / den;
        if (s > bestSim || (s === bestSim && params > bestParams)) {
          bestSim = s;
          bestParams = params;
          best = c;
        }
      }
    }
    if (bestFit !== null) {
      this.#lastFit = true;
      return bestFit;
    }
    this.#lastFit = false;
    return bestSim >= th ? best : null;
  }

  /**
   * Replaces tokens that differ from the line by `<*>`. Returns null when the template did not
   * change, else the live cluster: `c` renamed to its new template's fingerprint, or the cluster
   * that already had that template, which `c` merged into.
   */
  #generalize(c: Cluster, tokens: readonly string[]): Cluster | null {
    const t = c.tokens;
    let changed = false;
    for (let i = 0; i < t.length; i++) {
      const a = t[i]!;
      if (a !== PARAM && a !== tokens[i]) {
        t[i] = PARAM;
        c.params++;
        changed = true;
      }
    }
    if (!changed) return null;
    const template = renderTemplate(t);
    if (template === c.template) return c; // a typed mask became <*>: same text, same name
    c.template = template;
    return this.#rename(c, fingerprintOfText(template));
  }

  /**
   * `c`'s template changed: it takes the fingerprint `fp`, or merges into the cluster that has it
   * (or had it: a cluster renamed away from `fp` is more general and every line of `c` fits it).
   */
  #rename(c: Cluster, fp: string): Cluster {
    const old = c.fingerprint;
    if (this.#byFingerprint.get(old) === c) this.#byFingerprint.delete(old);
    const other = this.#byFingerprint.get(fp) ?? this.#aliases.get(fp);
    if (other === undefined || other === c) {
      c.fingerprint = fp;
      this.#byFingerprint.set(fp, c);
      if (this.#aliases.get(fp) === c) this.#aliases.delete(fp);
      this.#addAlias(old, c, true);
      return c;
    }
    // One template, one cluster: `c` joins the cluster that has it.
    other.size += c.size;
    const leaf = c.leaf;
    if (leaf !== null) {
      const i = leaf.indexOf(c);
      if (i >= 0) leaf.splice(i, 1);
    }
    c.leaf = null;
    this.#byId.delete(c.id);
    this.#mergedIds.set(c.id, other);
    other.mergedIds.push(c.id, ...c.mergedIds);
    for (const id of c.mergedIds) this.#mergedIds.set(id, other);
    for (const a of c.aliases) {
      this.#aliases.set(a, other);
      other.aliases.push(a);
    }
    this.#addAlias(old, other, true);
    // Typed masks may differ under one rendering; a literal of `other` that `c` lacks becomes <*>.
    return this.#generalize(other, c.tokens) ?? other;
  }
}

function fits(template: readonly string[], tokens: readonly string[]): boolean {
  if (template.length !== tokens.length) return false;
  for (let i = 0; i < template.length; i++) {
    const a = template[i]!;
    if (a !== PARAM && a !== tokens[i]) return false;
  }
  return true;
}

function info(c: Cluster): ClusterInfo {
  return { clusterId: c.id, fingerprint: c.fingerprint, template: c.template, size: c.size };
}
