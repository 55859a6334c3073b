/**
 * `observebridge patterns`: mines raw log messages offline. Reads every line first, then writes one
 * JSON object per input line, in input order: `{"cluster": <id>, "template": <final template>}`,
 * where the template is the one the line's cluster has after ALL input, variables as `<*>`.
 * Cluster ids are small integers in order of first appearance; a cluster that merged into another
 * (their templates became one, see drain.ts) is reported under the id of the one it merged into.
 *
 * Memory: one 32-bit cluster id per input line plus the clusters; lines are not kept.
 */
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { drainOptionsFrom, type PatternsConfig } from './config.js';
import { DrainMiner } from './drain.js';

export interface PatternLine {
  cluster: number;
  template: string;
}

/** Collects the cluster of each line; `result()` resolves final templates. */
export class OfflineMiner {
  readonly #miner: DrainMiner;
  #ids = new Int32Array(1024);
  #count = 0;
  /** Latest template per cluster id, kept here too so an evicted cluster still has one. */
  readonly #templates = new Map<number, string>();

  constructor(cfg: PatternsConfig = {}) {
    this.#miner = new DrainMiner(drainOptionsFrom(cfg));
  }

  add(line: string): void {
    const r = this.#miner.add(line);
    if (r.changed || !this.#templates.has(r.clusterId)) this.#templates.set(r.clusterId, r.template);
    if (this.#count === this.#ids.length) {
      const next = new Int32Array(this.#ids.length * 2);
      next.set(this.#ids);
      this.#ids = next;
    }
    this.#ids[this.#count++] = r.clusterId;
  }

  get count(): number {
    return this.#count;
  }

  /** The cluster id of input line `i` (0-based), after merges. */
  clusterAt(i: number): number {
    return this.#live(this.#ids[i]!);
  }

  /** The id a cluster goes by now: the cluster it merged into, or itself (also when evicted). */
  #live(id: number): number {
    return this.#miner.cluster(id)?.clusterId ?? id;
  }

  /** The final template of a cluster. */
  templateOf(cluster: number): string {
    return this.#templates.get(cluster) ?? '';
  }

  /** Calls `emit` for each line in input order with its cluster and final template. */
  forEach(emit: (p: PatternLine, index: number) => void): void {
    for (let i = 0; i < this.#count; i++) {
      const cluster = this.clusterAt(i);
      emit({ cluster, template: this.#templates.get(cluster) ?? '' }, i);
    }
  }
}

/** The `patterns` command's semantics on an array of lines. */
export function minePatternsOffline(lines: readonly string[], cfg: PatternsConfig = {}): PatternLine[] {
  const m = new OfflineMiner(cfg);
  for (const l of lines) m.add(l);
  const out: PatternLine[] = [];
  m.forEach((p) => out.push(p));
  return out;
}

/**
 * Lines of a stream, split on `\n` only (a `\r` before it is dropped; a lone `\r` inside a line
 * stays, unlike node:readline, so the output has exactly one object per `\n`-separated line). A final
 * line without a newline counts; an empty input has no lines.
 */
export async function* readLines(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  const dec = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    rest += typeof chunk === 'string' ? chunk : dec.write(chunk as Buffer);
    let start = 0;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', start)) {
      const end = nl > start && rest.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield rest.slice(start, end);
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  rest += dec.end();
  if (rest.length > 0) yield rest.charCodeAt(rest.length - 1) === 13 ? rest.slice(0, -1) : rest;
}

/**
 * Reads lines from `input` (LF or CRLF; a final line without a newline counts), mines them, then
 * writes one JSON object per line to `output`, honouring back-pressure. Does not end `output`.
 */
export async function runPatternsCommand(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  cfg: PatternsConfig = {},
): Promise<void> {
  const m = new OfflineMiner(cfg);
  for await (const line of readLines(input)) m.add(line);
  // Each cluster's JSON is built once, not once per line.
  const json = new Map<number, string>();
  let buf = '';
  for (let i = 0; i < m.count; i++) {
    const cluster = m.clusterAt(i);
    let s = json.get(cluster);
    if (s === undefined) {
      s = `${JSON.stringify({ cluster, template: m.templateOf(cluster) })}\n`;
      json.set(cluster, s);
    }
    buf += s;
    if (buf.length >= 1 << 16) {
      const chunk = buf;
      buf = '';
      if (!output.write(chunk)) await once(output, 'drain');
    }
  }
  if (buf.length > 0 && !output.write(buf)) await once(output, 'drain');
}
