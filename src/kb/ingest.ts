/**
 * `kb ingest`: documents into kb_doc / kb_chunk. Per document: parse, chunk, hash; unchanged (same
 * hash, and embedded with the current model when a provider is configured) is a no-op; changed
 * replaces its chunks in one transaction. Embeddings are fetched before the transaction (network
 * outside it); when the provider fails, the chunks are still written without embeddings (lexical
 * search finds them) and the next ingest adds the embeddings.
 */
import { createHash } from 'node:crypto';
import { sqlFolder } from '../db/sql-file.js';
import type { Db, Queryable } from '../db/types.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { chunkSections, type Chunk } from './chunk.js';
import type { ChunkSettings } from './config.js';
import type { Embedder } from './embeddings.js';
import { parseDocument } from './parse.js';
import { expandInputs, type ExpandOptions, type KbItem } from './sources.js';
import { vectorLiteral, vectorStore, withStore, type VectorStore } from './vector-store.js';

const sql = sqlFolder(new URL('./sql/', import.meta.url));

/** Bumped when chunking changes, so every document is re-chunked on the next ingest. */
export const CHUNKER_VERSION = 1;
/** Rows per INSERT … unnest statement. */
const CHUNK_BATCH = 500;

export type DocStatus = 'added' | 'updated' | 'unchanged' | 'embedded' | 'failed';

export interface DocReport {
  source: string;
  status: DocStatus;
  chunks: number;
  title?: string;
  /** Why the document failed, or why its chunks have no embeddings. */
  error?: string;
}

export interface IngestReport {
  docs: DocReport[];
  added: number;
  updated: number;
  unchanged: number;
  embedded: number;
  failed: number;
  chunks_written: number;
  /** `lexical` when no embeddings provider is configured. */
  search: 'hybrid' | 'lexical';
}

export interface IngestOptions extends ExpandOptions {
  /** NULL: shared by every tenant. */
  tenantId: number | null;
  language: string;
  chunk: ChunkSettings;
  embedder?: Embedder | null;
  /** Each document as it is done (progress on stderr). */
  onDoc?: (d: DocReport) => void;
}

interface Prepared {
  item: KbItem;
  title: string;
  hash: string;
  docTime: number | null;
  meta: Record<string, unknown>;
  chunks: Chunk[];
}

export async function ingestKb(db: Db, inputs: readonly string[], opts: IngestOptions): Promise<IngestReport> {
  const report: IngestReport = {
    docs: [],
    added: 0,
    updated: 0,
    unchanged: 0,
    embedded: 0,
    failed: 0,
    chunks_written: 0,
    search: opts.embedder ? 'hybrid' : 'lexical',
  };
  const done = (d: DocReport) => {
    report.docs.push(d);
    if (d.status === 'failed') report.failed++;
    else report[d.status]++;
    opts.onDoc?.(d);
  };
  await checkLanguage(db, opts.language);
  const store = await vectorStore(db);
  const { items, problems } = await expandInputs(inputs, opts);
  for (const p of problems) done({ source: p.source, status: 'failed', chunks: 0, error: p.error });

  for (const item of items) {
    let prep: Prepared;
    try {
      prep = await prepare(item, opts);
    } catch (e) {
      done({ source: item.source, status: 'failed', chunks: 0, error: errorMessage(e) });
      continue;
    }
    try {
      const d = await writeDoc(db, prep, store, opts);
      report.chunks_written += d.status === 'unchanged' ? 0 : d.chunks;
      done(d);
    } catch (e) {
      done({ source: item.source, status: 'failed', chunks: 0, error: errorMessage(e) });
    }
  }
  return report;
}

/** A bad kb.language is a config problem: say so before touching any document. */
async function checkLanguage(db: Queryable, language: string): Promise<void> {
  const r = await db.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = $1) AS ok', [
    language,
  ]);
  if (!r.rows[0]?.ok)
    throw new ConfigError(`config: kb.language: no text search configuration '${language}' in this database`);
}

async function prepare(item: KbItem, opts: IngestOptions): Promise<Prepared> {
  const loaded = await item.load();
  const fallback = item.name.replace(/\.[a-z0-9]+$/i, '');
  const doc = parseDocument(loaded.text, loaded.format, fallback);
  const chunks = chunkSections(doc.sections, opts.chunk);
  const hash = createHash('sha256')
    .update(JSON.stringify([CHUNKER_VERSION, loaded.format, opts.language, opts.chunk, doc.title]))
    .update('\0')
    .update(loaded.text)
    .digest('hex');
  const declared = Array.isArray(doc.meta.urns) ? doc.meta.urns.filter((u): u is string => typeof u === 'string') : [];
  const urns = [...new Set([...declared, ...chunks.flatMap((c) => c.urns)])];
  return {
    item,
    title: doc.title,
    hash,
    docTime: doc.date ?? loaded.modified ?? null,
    meta: { ...doc.meta, format: loaded.format, urns, chunks: chunks.length, chars: loaded.text.length },
    chunks,
  };
}

/** Text an embedding is computed from: the context a reader of the chunk has. */
function embedText(title: string, c: { heading: string; content: string }): string {
  return [title, c.heading, c.content].filter(Boolean).join('\n');
}

async function embedAll(
  embedder: Embedder,
  title: string,
  chunks: readonly { heading: string; content: string }[],
): Promise<{ vectors: Float32Array[] | null; error?: string }> {
  if (chunks.length === 0) return { vectors: [] };
  try {
    return { vectors: await embedder.embed(chunks.map((c) => embedText(title, c))) };
  } catch (e) {
    return { vectors: null, error: `stored without embeddings: ${errorMessage(e)}` };
  }
}

async function writeDoc(db: Db, p: Prepared, store: VectorStore, opts: IngestOptions): Promise<DocReport> {
  const model = opts.embedder?.model ?? null;
  const found = await db.query<{ doc_id: unknown; content_hash: string | null; chunks: number; embedded: number }>(
    sql('doc-find.sql'),
    [opts.tenantId, p.item.source, model],
  );
  const existing = found.rows[0];
  const base = { source: p.item.source, title: p.title };

  if (existing && existing.content_hash === p.hash) {
    if (!opts.embedder || existing.embedded === existing.chunks)
      return { ...base, status: 'unchanged', chunks: existing.chunks };
    // Same text, embeddings missing for this model: add them, nothing else changes.
    const docId = Number(existing.doc_id);
    const rows = (
      await db.query<{ idx: number; heading: string | null; content: string }>(sql('chunks-of-doc.sql'), [docId])
    ).rows;
    const emb = await embedAll(
      opts.embedder,
      p.title,
      rows.map((r) => ({ heading: r.heading ?? '', content: r.content })),
    );
    if (!emb.vectors) return { ...base, status: 'unchanged', chunks: existing.chunks, error: emb.error! };
    await db.query(withStore(sql('chunks-set-embedding.sql'), store), [
      docId,
      model,
      rows.map((r) => r.idx),
      emb.vectors.map((v) => vectorLiteral(v, store)),
    ]);
    return { ...base, status: 'embedded', chunks: rows.length };
  }

  const emb = opts.embedder ? await embedAll(opts.embedder, p.title, p.chunks) : { vectors: null };
  const literals = emb.vectors?.map((v) => vectorLiteral(v, store)) ?? null;
  await db.transaction(async (tx) => {
    let docId: number;
    const meta = JSON.stringify(p.meta);
    const docTime = p.docTime === null ? null : new Date(p.docTime).toISOString();
    if (existing) {
      docId = Number(existing.doc_id);
      await tx.query(sql('doc-update.sql'), [docId, p.title, p.item.url, meta, p.hash, docTime]);
      await tx.query(sql('chunks-delete.sql'), [docId]);
    } else {
      const r = await tx.query<{ doc_id: unknown }>(sql('doc-insert.sql'), [
        opts.tenantId,
        p.item.source,
        p.title,
        p.item.url,
        meta,
        p.hash,
        docTime,
      ]);
      docId = Number(r.rows[0]!.doc_id);
    }
    const insert = withStore(sql('chunks-insert.sql'), store);
    for (let i = 0; i < p.chunks.length; i += CHUNK_BATCH) {
      const batch = p.chunks.slice(i, i + CHUNK_BATCH);
      await tx.query(insert, [
        docId,
        opts.language,
        p.title,
        batch.map((c) => c.idx),
        batch.map((c) => c.heading),
        batch.map((c) => c.content),
        batch.map((c) => JSON.stringify({ urns: c.urns })),
        model,
        batch.map((c) => literals?.[c.idx] ?? null),
      ]);
    }
    await tx.query(sql('words-insert.sql'), [docId]);
  });
  return {
    ...base,
    status: existing ? 'updated' : 'added',
    chunks: p.chunks.length,
    ...(emb.error ? { error: emb.error } : {}),
  };
}
