/**
 * Knowledge-base benchmarks (issue 16), on 10,000 chunks (1,000 generated Markdown runbooks of 10
 * sections each), per database:
 * - ingest-lexical / ingest-hybrid: chunks per second through `ingestKb` (parse, chunk, hash, write;
 *   hybrid adds the stand-in embeddings provider over local HTTP, 256 dimensions zero-padded to 1536);
 * - search-lexical / search-hybrid: latency of `searchKb` (p50, p95 over 100 queries, limit 5);
 *   hybrid includes the query's embedding round trip and the exact real[] scan (no pgvector here);
 * - quality: recall@3 and recall@1 on the labelled queries (bench/kb/queries.json), lexical vs hybrid.
 *
 *   npm run bench -- kb [--db pglite,postgres]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chunkSettings } from '../../src/kb/config.js';
import type { Embedder } from '../../src/kb/embeddings.js';
import { ingestKb } from '../../src/kb/ingest.js';
import { searchKb } from '../../src/kb/search.js';
import { seededRandom } from '../../src/sources/mock/prng.js';
import { startEmbeddingsStandin } from '../../test/helpers/embeddings-standin/server.js';
import { measureRecall, standinEmbedder } from '../../test/helpers/kb-quality.js';
import { benchDbKinds, openBenchDb } from '../lib/db.js';
import { appendRecords, runInfo, toRecords, type DbKind, type Measurement } from '../lib/record.js';
import { formatTable } from '../lib/table.js';

const DOCS = 1000;
const SECTIONS = 10;
const QUERIES = 100;

const WORDS = (
  'database latency timeout connection pool exhausted replica failover query index vacuum lock deadlock ' +
  'cache redis eviction memory heap leak container restart pod node kubernetes deploy rollback release ' +
  'kafka consumer lag partition topic broker queue backlog dns resolver coredns certificate tls expiry ' +
  'disk volume full wal replication slot network packet loss gateway ingress error rate checkout payment ' +
  'orders catalog inventory pricing cart frontend api throttle quota retry backoff circuit breaker alert'
).split(' ');

function sentence(r: () => number, n: number): string {
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(WORDS[Math.floor(r() * WORDS.length)]!);
  return w.join(' ');
}

/** 1,000 runbooks × 10 sections of ~600 characters (one chunk each at the default 1,200 limit). */
function writeCorpus(dir: string): void {
  const r = seededRandom(16);
  for (let d = 0; d < DOCS; d++) {
    const parts = [`# Runbook ${d}: ${sentence(r, 4)}`, ''];
    for (let s = 0; s < SECTIONS; s++) {
      parts.push(`## ${sentence(r, 3)}`, '');
      for (let p = 0; p < 6; p++) parts.push(`${sentence(r, 12)}.`);
      parts.push('');
    }
    const sub = join(dir, String(d % 10));
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `rb-${d}.md`), parts.join('\n'));
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function caseOf(
  kind: DbKind,
  dir: string,
  mode: 'lexical' | 'hybrid',
  embedder: Embedder | null,
  out: Measurement[],
): Promise<void> {
  const b = await openBenchDb(kind);
  try {
    const t0 = performance.now();
    const r = await ingestKb(b.db, [dir], { tenantId: null, language: 'english', chunk: chunkSettings({}), embedder });
    const secs = (performance.now() - t0) / 1000;
    if (r.failed > 0) throw new Error(`bench kb: ${r.failed} documents failed`);
    const note = `${r.chunks_written} chunks in ${r.added} documents`;
    out.push({
      case: `ingest-${mode}`,
      db: kind,
      metric: 'chunks_per_s',
      value: Math.round(r.chunks_written / secs),
      unit: 'chunks/s',
      note,
    });
    out.push({ case: `ingest-${mode}`, db: kind, metric: 'seconds', value: Number(secs.toFixed(2)), unit: 's', note });
    const rnd = seededRandom(61);
    const times: number[] = [];
    for (let i = 0; i < QUERIES + 5; i++) {
      const q = sentence(rnd, 2 + Math.floor(rnd() * 3));
      const s0 = performance.now();
      const res = await searchKb(b.db, { text: q, limit: 5 }, { embedder });
      if (i >= 5) times.push(performance.now() - s0); // the first few warm caches and plans
      if (embedder && res.methods.vector !== 'on') throw new Error(`bench kb: vector search ${res.methods.vector}`);
    }
    const snote = `${QUERIES} queries of 2-4 words over ${r.chunks_written} chunks, limit 5`;
    out.push({
      case: `search-${mode}`,
      db: kind,
      metric: 'p50',
      value: Number(pct(times, 50).toFixed(1)),
      unit: 'ms',
      note: snote,
    });
    out.push({
      case: `search-${mode}`,
      db: kind,
      metric: 'p95',
      value: Number(pct(times, 95).toFixed(1)),
      unit: 'ms',
      note: snote,
    });
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

export async function runKbBench(only?: readonly string[]): Promise<Measurement[]> {
  const out: Measurement[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-'));
  const standin = await startEmbeddingsStandin();
  try {
    writeCorpus(dir);
    const embedder = standinEmbedder(standin.url);
    for (const kind of benchDbKinds(only)) {
      await qualityOf(kind, embedder, out);
      await caseOf(kind, dir, 'lexical', null, out);
      await caseOf(kind, dir, 'hybrid', embedder, out);
    }
  } finally {
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1]?.endsWith('kb.js')) {
  const i = process.argv.indexOf('--db');
  const ms = await runKbBench(i > 0 ? (process.argv[i + 1] ?? '').split(',') : undefined);
  process.stdout.write(formatTable(ms) + '\n');
  const file = appendRecords('kb', toRecords('kb', ms, runInfo()));
  process.stderr.write(`kb: appended ${ms.length} records to ${file}\n`);
}
