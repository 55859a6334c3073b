/**
 * Knowledge-base benchmarks (issue 16), on 10,000 chunks (1,000 generated Markdown runbooks of 10
 * sections each, one chunk per section), per database:
 * - ingest-lexical / ingest-hybrid: documents and chunks per second through `ingestKb` (parse, chunk,
 *   hash, write; hybrid adds the stand-in embeddings provider over local HTTP, 256 dimensions
 *   zero-padded to 1536);
 * - search-lexical / search-hybrid: latency of `searchKb` (p50, p95, limit 5); hybrid includes the
 *   query's embedding round trip and the exact real[] scan (no pgvector here);
 * - quality: recall@3 and recall@1 on the labelled queries (bench/kb/queries.json), lexical vs hybrid.
 *
 * The corpus draws its words from a 5,000-word vocabulary (the ops words first, then generated ones)
 * with Zipf-like frequencies, like prose without its stop words: a few words are in most chunks, most are in few. A query is 2-4
 * words of one chunk, a third of them with a typo, so every query has an answer and the common words
 * do not make every chunk a match (the note records how many chunks full-text matches on average).
 *
 *   npm run bench -- kb [--db pglite,postgres] [--docs 1000] [--queries 200] [--skip quality]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from '../../src/db/types.js';
import { chunkSettings } from '../../src/kb/config.js';
import type { Embedder } from '../../src/kb/embeddings.js';
import { ingestKb } from '../../src/kb/ingest.js';
import { searchKb } from '../../src/kb/search.js';
import { seededRandom } from '../../src/sources/mock/prng.js';
import { startEmbeddingsStandin } from '../../test/helpers/embeddings-standin/server.js';
import { measureRecall, standinEmbedder } from '../../test/helpers/kb-quality.js';
import { listFlag, numberFlag, parseFlags } from '../lib/args.js';
import { benchDbKinds, openBenchDb } from '../lib/db.js';
import { appendRecords, runInfo, toRecords, type DbKind, type Measurement } from '../lib/record.js';
import { formatTable } from '../lib/table.js';

const SECTIONS = 10;
const VOCABULARY = 5000;

const OPS_WORDS = (
  'database latency timeout connection pool exhausted replica failover query index vacuum lock deadlock ' +
  'cache redis eviction memory heap leak container restart pod node kubernetes deploy rollback release ' +
  'kafka consumer lag partition topic broker queue backlog dns resolver coredns certificate tls expiry ' +
  'disk volume full wal replication slot network packet loss gateway ingress error rate checkout payment ' +
  'orders catalog inventory pricing cart frontend api throttle quota retry backoff circuit breaker alert'
).split(' ');

/** The ops words, then pronounceable generated words (2-4 syllables) up to VOCABULARY distinct ones. */
function vocabulary(): string[] {
  const r = seededRandom(1616);
  const onset = 'b c d f g h j k l m n p r s t v w z br cr dr gr pr st tr pl sl'.split(' ');
  const vowel = 'a e i o u ai ea ou'.split(' ');
  const coda = ['', '', '', 'n', 'r', 's', 'l', 'm', 'x', 'nd', 'rt'];
  const pick = (xs: readonly string[]) => xs[Math.floor(r() * xs.length)]!;
  const words = new Set(OPS_WORDS);
  while (words.size < VOCABULARY) {
    let w = '';
    for (let s = 2 + Math.floor(r() * 3); s > 0; s--) w += pick(onset) + pick(vowel);
    words.add(w + pick(coda));
  }
  return [...words];
}

/**
 * Zipf–Mandelbrot sampler over ranks 0..n-1, p(rank) ∝ 1 / (rank + 1 + ZIPF_SHIFT) (inverse CDF by
 * binary search). The shift flattens the head the way dropping stop words does: the commonest word
 * is in about a third of the chunks, not in all of them.
 */
const ZIPF_SHIFT = 50;
function zipf(n: number): (r: () => number) => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1 + ZIPF_SHIFT);
  return (r) => {
    const x = r() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

interface Corpus {
  /** Every section's words, to draw queries from. */
  sections: string[][];
}

/** `docs` runbooks × 10 sections of ~600 characters (one chunk each at the default 1,200 limit). */
export function writeCorpus(dir: string, docs: number): Corpus {
  const r = seededRandom(16);
  const vocab = vocabulary();
  const rank = zipf(vocab.length);
  const sentence = (n: number, into?: string[]) => {
    const w: string[] = [];
    for (let i = 0; i < n; i++) w.push(vocab[rank(r)]!);
    into?.push(...w);
    return w.join(' ');
  };
  const sections: string[][] = [];
  for (let d = 0; d < docs; d++) {
    const parts = [`# Runbook ${d}: ${sentence(4)}`, ''];
    for (let s = 0; s < SECTIONS; s++) {
      const words: string[] = [];
      parts.push(`## ${sentence(3, words)}`, '');
      for (let p = 0; p < 6; p++) parts.push(`${sentence(12, words)}.`);
      parts.push('');
      sections.push(words);
    }
    const sub = join(dir, String(d % 10));
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `rb-${d}.md`), parts.join('\n'));
  }
  return { sections };
}

/** One typo: a letter replaced, dropped or doubled (words of 5+ letters). */
function typo(w: string, r: () => number): string {
  if (w.length < 5) return w;
  const i = 1 + Math.floor(r() * (w.length - 2));
  const k = Math.floor(r() * 3);
  if (k === 0) return w.slice(0, i) + 'aeiou'[Math.floor(r() * 5)]! + w.slice(i + 1);
  if (k === 1) return w.slice(0, i) + w.slice(i + 1);
  return w.slice(0, i) + w[i]! + w.slice(i);
}

/** `n` queries of 2-4 distinct words of one section each; a third with a typo in one word. */
export function queriesOf(corpus: Corpus, n: number): string[] {
  const r = seededRandom(61);
  const out: string[] = [];
  while (out.length < n) {
    const words = corpus.sections[Math.floor(r() * corpus.sections.length)]!;
    const want = 2 + Math.floor(r() * 3);
    const q = new Set<string>();
    for (let tries = 0; q.size < want && tries < 50; tries++) q.add(words[Math.floor(r() * words.length)]!);
    const ws = [...q];
    if (r() < 1 / 3) {
      const j = Math.floor(r() * ws.length);
      ws[j] = typo(ws[j]!, r);
    }
    out.push(ws.join(' '));
  }
  return out;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

interface CaseOptions {
  dir: string;
  docs: number;
  queries: readonly string[];
}

/** Chunks holding any lexeme of the query: what full-text has to rank (outside the timing). */
async function matchedChunks(db: Db, q: string): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM kb_chunk
     WHERE tsv @@ replace(plainto_tsquery('english', $1)::text, '&', '|')::tsquery`,
    [q],
  );
  return r.rows[0]?.n ?? 0;
}

async function caseOf(
  kind: DbKind,
  o: CaseOptions,
  mode: 'lexical' | 'hybrid',
  embedder: Embedder | null,
  out: Measurement[],
): Promise<void> {
  const b = await openBenchDb(kind);
  try {
    const t0 = performance.now();
    const r = await ingestKb(b.db, [o.dir], {
      tenantId: null,
      language: 'english',
      chunk: chunkSettings({}),
      embedder,
    });
    const secs = (performance.now() - t0) / 1000;
    if (r.failed > 0) throw new Error(`bench kb: ${r.failed} documents failed`);
    const note = `${r.chunks_written} chunks in ${r.added} documents in ${secs.toFixed(1)} s`;
    const ingest = { case: `ingest-${mode}`, db: kind, note };
    out.push({ ...ingest, metric: 'docs_per_s', value: Math.round(r.added / secs), unit: 'docs/s' });
    out.push({ ...ingest, metric: 'chunks_per_s', value: Math.round(r.chunks_written / secs), unit: 'chunks/s' });
    const times: number[] = [];
    // The first few queries again before the measured ones: they warm caches and plans, not counted.
    const all = [...o.queries.slice(0, 5), ...o.queries];
    for (const [i, q] of all.entries()) {
      const s0 = performance.now();
      const res = await searchKb(b.db, { text: q, limit: 5 }, { embedder });
      const ms = performance.now() - s0;
      if (embedder && res.methods.vector !== 'on') throw new Error(`bench kb: vector search ${res.methods.vector}`);
      if (res.hits.length === 0) throw new Error(`bench kb: no hit for '${q}'`);
      if (i >= all.length - o.queries.length) times.push(ms);
    }
    const matched: number[] = [];
    if (mode === 'lexical') for (const q of o.queries) matched.push(await matchedChunks(b.db, q));
    const m = matched;
    const share = m.length
      ? ` (full-text matches ${Math.round(pct(m, 50))} chunks at the median, ${Math.round(pct(m, 95))} at p95)`
      : '';
    const snote = `${o.queries.length} queries of 2-4 words (a third with a typo) over ${r.chunks_written} chunks, limit 5${share}`;
    const search = { case: `search-${mode}`, db: kind, unit: 'ms', note: snote };
    out.push({ ...search, metric: 'p50', value: Number(pct(times, 50).toFixed(1)) });
    out.push({ ...search, metric: 'p95', value: Number(pct(times, 95).toFixed(1)) });
  } finally {
    await b.close();
  }
}

async function qualityOf(kind: DbKind, embedder: Embedder, out: Measurement[]): Promise<void> {
  for (const [mode, e] of [
    ['lexical', null],
    ['hybrid', embedder],
  ] as const) {
    const b = await openBenchDb(kind);
    try {
      const r = await measureRecall(b.db, e);
      const note =
        'bench/kb/queries.json (24 labelled queries, 10 documents); hybrid = stand-in hashed n-gram embeddings';
      out.push({
        case: `quality-${mode}`,
        db: kind,
        metric: 'recall_at_3',
        value: Number(r.recall.toFixed(3)),
        unit: 'ratio',
        note,
      });
      out.push({
        case: `quality-${mode}`,
        db: kind,
        metric: 'recall_at_1',
        value: Number(r.recallAt1.toFixed(3)),
        unit: 'ratio',
        note,
      });
    } finally {
      await b.close();
    }
  }
}

export async function runKbBench(argv: readonly string[] = []): Promise<Measurement[]> {
  const flags = parseFlags(argv, ['db', 'docs', 'queries', 'skip']);
  const docs = Math.round(numberFlag(flags, 'docs', 1000));
  const nq = Math.round(numberFlag(flags, 'queries', 200));
  const skip = new Set(listFlag(flags, 'skip') ?? []);
  const out: Measurement[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-'));
  const standin = await startEmbeddingsStandin();
  try {
    const corpus = writeCorpus(dir, docs);
    const o: CaseOptions = { dir, docs, queries: queriesOf(corpus, nq) };
    const embedder = standinEmbedder(standin.url);
    for (const kind of benchDbKinds(listFlag(flags, 'db'))) {
      if (!skip.has('quality')) await qualityOf(kind, embedder, out);
      if (!skip.has('lexical')) await caseOf(kind, o, 'lexical', null, out);
      if (!skip.has('hybrid')) await caseOf(kind, o, 'hybrid', embedder, out);
    }
  } finally {
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1]?.endsWith('kb.js')) {
  const ms = await runKbBench(process.argv.slice(2));
  process.stdout.write(formatTable(ms) + '\n');
  const file = appendRecords('kb', toRecords('kb', ms, runInfo()));
  process.stderr.write(`kb: appended ${ms.length} records to ${file}\n`);
}
