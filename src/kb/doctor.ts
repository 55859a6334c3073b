import { errorMessage } from '../core/errors.js';
import type { Check } from '../db/doctor-checks.js';
import { sqlFolder } from '../db/sql-file.js';
import type { Queryable } from '../db/types.js';
import { embeddingsSettings, searchSettings, type KbConfig } from './config.js';

const sql = sqlFolder(new URL('./sql/', import.meta.url));

/** `doctor`: what the knowledge base holds and whether search is hybrid or lexical only (and why). */
export async function kbChecks(db: Queryable, kb: KbConfig | undefined, env = process.env): Promise<Check[]> {
  const checks: Check[] = [];
  const lang = searchSettings(kb).language;
  try {
    const ok = await db.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = $1) AS ok', [
      lang,
    ]);
    checks.push(
      ok.rows[0]?.ok
        ? { name: 'kb language', status: 'ok', detail: `full-text search in '${lang}'` }
        : { name: 'kb language', status: 'fail', detail: `kb.language: no text search configuration '${lang}'` },
    );
    const s = (
      await db.query<{ docs: number; chunks: number; embedded: number; models: string | null }>(sql('stats.sql'))
    ).rows[0]!;
    checks.push({
      name: 'kb contents',
      status: 'ok',
      detail: `${s.docs} document(s), ${s.chunks} chunk(s), ${s.embedded} with embeddings${s.models ? ` (${s.models})` : ''}`,
    });
  } catch (e) {
    checks.push({ name: 'kb contents', status: 'warn', detail: `cannot read the knowledge base: ${errorMessage(e)}` });
  }
  try {
    const e = embeddingsSettings(kb, env);
    checks.push(
      e
        ? {
            name: 'kb search',
            status: 'ok',
            detail: `hybrid: full-text + trigram + vector (${e.model} at ${new URL(e.url).origin})`,
          }
        : {
            name: 'kb search',
            status: 'warn',
            detail:
              'lexical only (full-text + trigram): no embeddings provider configured ' +
              '(set kb.embeddings.url and model, or OBSERVEBRIDGE_EMBEDDINGS_URL and _MODEL)',
          },
    );
  } catch (err) {
    checks.push({ name: 'kb search', status: 'fail', detail: errorMessage(err) });
  }
  return checks;
}
