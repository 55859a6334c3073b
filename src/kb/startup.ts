import type { ParsedConfig } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Db } from '../db/types.js';
import type { Logger } from '../obs/logger.js';
import { chunkSettings, searchSettings } from './config.js';
import { embedderFromConfig } from './embeddings.js';
import { ingestKb, type IngestReport } from './ingest.js';

/**
 * `run` ingests `kb.paths` (shared documents) before the schedule starts: unchanged documents are
 * a no-op, so this costs a hash per file after the first run. A document that fails is logged and
 * the run goes on: the knowledge base is not what the ETL depends on.
 */
export async function ingestConfiguredKb(db: Db, config: ParsedConfig, logger: Logger): Promise<IngestReport | null> {
  const paths = config.kb.paths ?? [];
  if (paths.length === 0) return null;
  try {
    const r = await ingestKb(db, paths, {
      tenantId: null,
      language: searchSettings(config.kb).language,
      chunk: chunkSettings(config.kb),
      embedder: embedderFromConfig(config.kb),
    });
    for (const d of r.docs.filter((x) => x.status === 'failed' || x.error))
      logger.warn({ source: d.source, error: d.error }, 'kb: document not (fully) ingested');
    logger.info(
      {
        added: r.added,
        updated: r.updated,
        unchanged: r.unchanged,
        embedded: r.embedded,
        failed: r.failed,
        search: r.search,
      },
      'kb: configured documents ingested',
    );
    return r;
  } catch (e) {
    logger.warn({ err: errorMessage(e) }, 'kb: ingesting kb.paths failed; the run goes on');
    return null;
  }
}
