import type { Db } from '../db/types.js';
import { findTenant } from '../db/queries/tenant.js';
import { searchSettings, type KbConfig } from '../kb/config.js';
import { embedderFromConfig } from '../kb/embeddings.js';
import { searchKb } from '../kb/search.js';
import type { Librarian } from './planner/planner.js';

/** How many chunks a plan carries, and how much of each: a plan references runbooks, it does not copy them. */
const TOP_CHUNKS = 3;
const EXCERPT_CHARS = 600;

export interface KnowledgeRef {
  chunk_id: number;
  doc_id: number;
  title: string | null;
  heading: string | null;
  source: string | null;
  url: string | null;
  score: number;
  excerpt: string;
}

/**
 * The seed's Librarian over the knowledge base: the top chunks for a case's text, searched the way
 * `kb search` does (the tenant's own and shared documents, vector too when a provider is configured).
 */
export function kbLibrarian(db: Db, kb: KbConfig | undefined): Librarian {
  const embedder = embedderFromConfig(kb);
  const settings = searchSettings(kb);
  return async (tenant, text): Promise<KnowledgeRef[]> => {
    const t = await findTenant(db, { code: tenant });
    const r = await searchKb(db, { text, tenantId: t?.id ?? null, limit: TOP_CHUNKS }, { embedder, settings });
    return r.hits.map((h) => ({
      chunk_id: h.chunk_id,
      doc_id: h.doc_id,
      title: h.title,
      heading: h.heading,
      source: h.source,
      url: h.url,
      score: h.score,
      excerpt: h.content.slice(0, EXCERPT_CHARS),
    }));
  };
}
