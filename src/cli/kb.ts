import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { findTenant } from '../db/queries/tenant.js';
import { syncTenants } from '../db/tenants.js';
import type { Db } from '../db/types.js';
import type { ParsedConfig } from '../config/schema.js';
import { chunkSettings, searchSettings } from '../kb/config.js';
import { embedderFromConfig } from '../kb/embeddings.js';
import { ingestKb, type DocReport } from '../kb/ingest.js';
import { MAX_QUERY_CHARS, MAX_RESULTS, searchKb, type KbHit } from '../kb/search.js';
import { configOption, dbOption, type DbOptions, openContext, printJson } from './context.js';

const ISO_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A tenant by code: from the database, or added from the config when configured but not synced yet. */
export async function kbTenant(db: Db, config: ParsedConfig, code: string | undefined): Promise<number | null> {
  if (code === undefined) return null;
  let t = await findTenant(db, { code });
  if (!t && config.tenants.some((c) => c.code === code)) {
    await syncTenants(db, config.tenants);
    t = await findTenant(db, { code });
  }
  if (!t) throw new ConfigError(`kb: --tenant: no tenant '${code}' in the database or the config`);
  return t.id;
}

function instant(name: string, text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = Date.parse(text);
  if (!ISO_RE.test(text) || !Number.isFinite(t))
    throw new ConfigError(
      `kb search: ${name} must be an ISO 8601 date or time, e.g. 2026-06-10T06:00:00Z (got '${text}')`,
    );
  return t;
}

function docLine(d: DocReport): string {
  const extra = d.error ? `  (${d.error})` : '';
  return `${d.status.padEnd(9)} ${String(d.chunks).padStart(4)} chunk(s)  ${d.source}${extra}\n`;
}

function hitText(h: KbHit, i: number): string {
  // The heading path usually starts with the title (the H1): print it once.
  const where =
    h.heading && h.title && h.heading.startsWith(h.title)
      ? h.heading
      : [h.title, h.heading].filter(Boolean).join(' › ');
  const snippet = h.content.replace(/\s+/g, ' ').slice(0, 200);
  const ranks = Object.entries(h.ranks)
    .map(([m, r]) => `${m}#${r}`)
    .join(' ');
  return `${i + 1}. ${where}\n   ${h.source ?? ''}  score ${h.score.toFixed(4)} (${ranks})\n   ${snippet}${h.content.length > 200 ? '…' : ''}\n`;
}

/** A retried embeddings request on stderr: a slow or rate-limited provider is visible, not a silent stall. */
function retryNote(i: { attempt: number; status: number | null; waitMs: number }): void {
  process.stderr.write(
    `embeddings: attempt ${i.attempt} failed${i.status ? ` (HTTP ${i.status})` : ''}; retrying in ${Math.round(i.waitMs)} ms\n`,
  );
}

export function registerKb(program: Command): void {
  const kb = program.command('kb').description('the knowledge base: ingest runbooks and postmortems, search them');

  kb.command('ingest <paths...>')
    .description('ingest Markdown, HTML or text files, folders, .urls lists or URLs (unchanged documents are skipped)')
    .option('--tenant <code>', 'the tenant the documents belong to (default: shared by all tenants)')
    .option('--json', 'print the report as JSON')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (paths: string[], opts: DbOptions & { tenant?: string; json?: boolean }) => {
      const ctx = await openContext(opts);
      try {
        const kbc = ctx.loaded.config.kb;
        const embedder = embedderFromConfig(kbc, process.env, { onRetry: retryNote });
        const report = await ingestKb(ctx.db, paths, {
          tenantId: await kbTenant(ctx.db, ctx.loaded.config, opts.tenant),
          language: searchSettings(kbc).language,
          chunk: chunkSettings(kbc),
          embedder,
          onDoc: opts.json ? undefined : (d) => process.stderr.write(docLine(d)),
        });
        if (opts.json) printJson(report);
        else
          process.stdout.write(
            `${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ` +
              `${report.embedded} embedded, ${report.failed} failed; ${report.chunks_written} chunk(s) written` +
              (report.search === 'lexical' ? '; no embeddings provider: search is lexical only\n' : '\n'),
          );
        if (report.failed > 0) process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    });

  kb.command('search <text>')
    .description('hybrid search (full-text + trigram + vector when configured) over the knowledge base')
    .option('--tenant <code>', "include this tenant's documents (shared ones are always searched)")
    .option('--urn <urn>', 'only documents that mention this resource URN')
    .option('--from <iso>', 'only documents dated at or after this time')
    .option('--to <iso>', 'only documents dated before this time')
    .option('--limit <n>', `how many results (1-${MAX_RESULTS})`, '5')
    .option('--json', 'print the result as JSON (the shape of GET /api/kb/search)')
    .addOption(dbOption())
    .addOption(configOption())
    .action(
      async (
        text: string,
        opts: DbOptions & { tenant?: string; urn?: string; from?: string; to?: string; limit: string; json?: boolean },
      ) => {
        if (!text.trim() || text.length > MAX_QUERY_CHARS)
          throw new ConfigError(`kb search: <text> must be 1 to ${MAX_QUERY_CHARS} characters`);
        const limit = Number(opts.limit);
        if (!/^\d+$/.test(opts.limit) || limit < 1 || limit > MAX_RESULTS)
          throw new ConfigError(
            `kb search: --limit must be a whole number from 1 to ${MAX_RESULTS} (got '${opts.limit}')`,
          );
        const from = instant('--from', opts.from);
        const to = instant('--to', opts.to);
        const ctx = await openContext(opts);
        try {
          const kbc = ctx.loaded.config.kb;
          const r = await searchKb(
            ctx.db,
            {
              text,
              tenantId: await kbTenant(ctx.db, ctx.loaded.config, opts.tenant),
              urn: opts.urn ?? null,
              from,
              to,
              limit,
            },
            { embedder: embedderFromConfig(kbc, process.env, { onRetry: retryNote }), settings: searchSettings(kbc) },
          );
          if (opts.json) printJson(r);
          else {
            if (r.methods.vector === 'unavailable')
              process.stderr.write(`vector search unavailable: ${r.vector_error}\n`);
            process.stdout.write(r.hits.length === 0 ? 'no matching chunk\n' : r.hits.map(hitText).join(''));
          }
        } finally {
          await ctx.close();
        }
      },
    );
}
