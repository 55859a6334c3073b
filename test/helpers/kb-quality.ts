/**
 * Retrieval quality of kb search on a labelled set (bench/kb/queries.json over bench/kb/corpus and
 * the demo runbooks): recall@k = share of queries whose answering document is among the documents
 * of the top k hits. Used by the quality test and the kb bench.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { syncTenants } from '../../src/db/tenants.js';
import type { Db } from '../../src/db/types.js';
import { chunkSettings } from '../../src/kb/config.js';
import { openAiEmbedder, type Embedder } from '../../src/kb/embeddings.js';
import { ingestKb } from '../../src/kb/ingest.js';
import { searchKb } from '../../src/kb/search.js';
import { repoRoot } from './paths.js';

export interface LabelledQuery {
  q: string;
  doc: string;
}

export const QUALITY_INPUTS = [join(repoRoot, 'bench', 'kb', 'corpus'), join(repoRoot, 'configs', 'demo', 'runbooks')];

export function labelledQueries(): LabelledQuery[] {
  return (
    JSON.parse(readFileSync(join(repoRoot, 'bench', 'kb', 'queries.json'), 'utf8')) as { queries: LabelledQuery[] }
  ).queries;
}

export function standinEmbedder(url: string, dims = 256): Embedder {
  return openAiEmbedder({
    url,
    model: 'standin-hash-256',
    dimensions: dims,
    apiKey: undefined,
    batchSize: 64,
    maxRetries: 2,
    timeoutMs: 10_000,
  });
}

export interface RecallResult {
  k: number;
  recall: number;
  /** The same with only the first document counted (stricter: the corpus is small). */
  recallAt1: number;
  /** Queries whose document was not in the top k. */
  misses: { q: string; doc: string; got: string[] }[];
}

/** Ingests the corpus (with the embedder when given) and measures recall@k of searchKb. */
export async function measureRecall(db: Db, embedder: Embedder | null, k = 3): Promise<RecallResult> {
  await syncTenants(db, []);
  const r = await ingestKb(db, QUALITY_INPUTS, {
    tenantId: null,
    language: 'english',
    chunk: chunkSettings({}),
    embedder,
  });
  if (r.failed > 0)
    throw new Error(`corpus ingest failed: ${JSON.stringify(r.docs.filter((d) => d.status === 'failed'))}`);
  const misses: RecallResult['misses'] = [];
  const queries = labelledQueries();
  let first = 0;
  for (const { q, doc } of queries) {
    // Enough chunks to see k distinct documents.
    const res = await searchKb(db, { text: q, limit: 20 }, { embedder });
    const docs: string[] = [];
    for (const h of res.hits) {
      const d = basename(h.source ?? '');
      if (!docs.includes(d)) docs.push(d);
      if (docs.length === k) break;
    }
    if (docs[0] === doc) first++;
    if (!docs.includes(doc)) misses.push({ q, doc, got: docs });
  }
  return { k, recall: (queries.length - misses.length) / queries.length, recallAt1: first / queries.length, misses };
}
