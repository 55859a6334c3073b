/**
 * Hybrid knowledge-base search: full-text (tsvector, configured language), trigram (the query's
 * words against the corpus's distinct lexemes, pg_trgm similarity; see search-trgm.sql) and, when an
 * embeddings provider is configured, vector similarity; each method
 * contributes its top candidates under the same filters (tenant, a resource URN the document
 * mentions, the document's time), fused by reciprocal rank fusion: score = Σ 1 / (k + rank).
 *
 * `searchKb` is the one entry point: the CLI, GET /api/kb/search, the MCP tool and the OPS agent's
 * Librarian call it.
 */
import { errorMessage } from '../core/errors.js';
import { renderExtensionPlaceholders } from '../db/extension-schema.js';
import { sqlFolder } from '../db/sql-file.js';
import type { Db, Queryable } from '../db/types.js';
import { searchSettings, type SearchSettings } from './config.js';
import type { Embedder } from './embeddings.js';
import { vectorLiteral, vectorStore, withStore } from './vector-store.js';

const sql = sqlFolder(new URL('./sql/', import.meta.url));

/**
 * search-trgm.sql with its neighbour lookup for this driver (why two: trgm-neighbours-scan.sql) and
 * pg_trgm's schema spliced in; built once per driver.
 */
const trigramStatements = new WeakMap<Db, Promise<string>>();

function trigramSql(db: Db, q: Queryable): Promise<string> {
  let s = trigramStatements.get(db);
  if (s === undefined) {
    const neighbours = sql(db.kind === 'pglite' ? 'trgm-neighbours-scan.sql' : 'trgm-neighbours-knn.sql');
    const text = sql('search-trgm.sql').replace('/*NEIGHBOURS*/', neighbours.replace(/^--.*\n/gm, '').trim());
    s = renderExtensionPlaceholders(q, text);
    s.catch(() => trigramStatements.delete(db)); // a failed lookup is asked again next time
    trigramStatements.set(db, s);
  }
  return s;
}

export const MAX_QUERY_CHARS = 1000;
export const MAX_RESULTS = 50;

export interface KbQuery {
  text: string;
  /** dim_tenant.tenant_id; null/absent: shared documents only. A tenant sees its own and shared ones. */
  tenantId?: number | null;
  /** Only documents that mention this resource URN. */
  urn?: string | null;
  /** Only documents whose time is in [from, to) (epoch ms). */
  from?: number | null;
  to?: number | null;
  /** @defaultValue 5 */
  limit?: number;
}

export type Method = 'fts' | 'trigram' | 'vector';

export interface KbHit {
  chunk_id: number;
  doc_id: number;
  title: string | null;
  heading: string | null;
  source: string | null;
  url: string | null;
  /** Tenant code; null for a shared document. */
  tenant: string | null;
  doc_time: string | null;
  content: string;
  urns: string[];
  /** Reciprocal rank fusion score. */
  score: number;
  /** 1-based rank of this chunk in each method that found it. */
  ranks: Partial<Record<Method, number>>;
}

export interface KbSearchResult {
  query: string;
  /** What ran: `vector` is `off` without a provider, `unavailable` when the provider failed. */
  methods: { fts: 'on'; trigram: 'on'; vector: 'on' | 'off' | 'unavailable' };
  vector_error?: string;
  hits: KbHit[];
}

export interface SearchDeps {
  embedder?: Embedder | null;
  settings?: SearchSettings;
}

interface ChunkRow {
  chunk_id: unknown;
  doc_id: unknown;
  chunk_idx: number;
  heading: string | null;
  content: string;
  urns: unknown;
  title: string | null;
  source: string | null;
  url: string | null;
  doc_time: Date | null;
  tenant: string | null;
}

/** Fuses ranked id lists (best first) by reciprocal rank fusion; ties: best single rank, then id. */
export function fuseRanks(
  lists: Partial<Record<Method, readonly number[]>>,
  k: number,
): { id: number; score: number; ranks: Partial<Record<Method, number>> }[] {
  const acc = new Map<number, { id: number; score: number; ranks: Partial<Record<Method, number>>; best: number }>();
  for (const [method, ids] of Object.entries(lists) as [Method, readonly number[]][]) {
    ids.forEach((id, i) => {
      const rank = i + 1;
      const e = acc.get(id) ?? { id, score: 0, ranks: {}, best: Infinity };
      e.score += 1 / (k + rank);
      e.ranks[method] = rank;
      e.best = Math.min(e.best, rank);
      acc.set(id, e);
    });
  }
  return [...acc.values()]
    .sort((a, b) => b.score - a.score || a.best - b.best || a.id - b.id)
    .map(({ id, score, ranks }) => ({ id, score, ranks }));
}

export async function searchKb(db: Db, q: KbQuery, deps: SearchDeps = {}): Promise<KbSearchResult> {
  const s = deps.settings ?? searchSettings(undefined);
  const text = q.text.trim().slice(0, MAX_QUERY_CHARS);
  const limit = Math.max(1, Math.min(MAX_RESULTS, q.limit ?? 5));
  const n = Math.max(s.candidates, limit);
  const filters = [
    q.tenantId ?? null,
    q.urn ?? null,
    q.from == null ? null : new Date(q.from).toISOString(),
    q.to == null ? null : new Date(q.to).toISOString(),
  ];
  const result: KbSearchResult = {
    query: text,
    methods: { fts: 'on', trigram: 'on', vector: deps.embedder ? 'on' : 'off' },
    hits: [],
  };
  if (!text) return result;

  // The query's embedding first: a network call, kept out of the database transaction.
  let qvec: Float32Array | undefined;
  if (deps.embedder) {
    try {
      qvec = (await deps.embedder.embed([text]))[0];
    } catch (e) {
      result.methods.vector = 'unavailable';
      result.vector_error = errorMessage(e);
    }
  }

  const lists: Partial<Record<Method, number[]>> = {};
  const ids = (rows: { chunk_id: unknown }[]) => rows.map((r) => Number(r.chunk_id));
  await db.transaction(async (tx) => {
    lists.fts = ids(
      (await tx.query<{ chunk_id: unknown }>(sql('search-fts.sql'), [...filters, s.language, text, n])).rows,
    );
    lists.trigram = ids(
      (
        await tx.query<{ chunk_id: unknown }>(await trigramSql(db, tx), [
          ...filters,
          text,
          n,
          s.language,
          lists.fts,
          s.trigramThreshold,
        ])
      ).rows,
    );
    if (qvec && deps.embedder) {
      const store = await vectorStore(tx);
      const file = store.kind === 'pgvector' ? 'search-vec-pgvector.sql' : 'search-vec-array.sql';
      const literal = store.kind === 'pgvector' ? vectorLiteral(qvec, store) : vectorLiteral(qvec, store, 0);
      lists.vector = ids(
        (
          await tx.query<{ chunk_id: unknown }>(withStore(sql(file), store), [
            ...filters,
            literal,
            deps.embedder.model,
            qvec.length,
            n,
          ])
        ).rows,
      );
    }
  });

  const fused = fuseRanks(lists, s.rrfK).slice(0, limit);
  if (fused.length === 0) return result;
  const rows = await db.query<ChunkRow>(sql('search-chunks.sql'), [fused.map((f) => f.id)]);
  const byId = new Map(rows.rows.map((r) => [Number(r.chunk_id), r]));
  for (const f of fused) {
    const r = byId.get(f.id);
    if (!r) continue; // deleted by a concurrent re-ingest
    result.hits.push({
      chunk_id: f.id,
      doc_id: Number(r.doc_id),
      title: r.title,
      heading: r.heading,
      source: r.source,
      url: r.url,
      tenant: r.tenant,
      doc_time: r.doc_time ? new Date(r.doc_time).toISOString() : null,
      content: r.content,
      urns: Array.isArray(r.urns) ? (r.urns as string[]) : [],
      score: Math.round(f.score * 1e6) / 1e6,
      ranks: f.ranks,
    });
  }
  return result;
}
