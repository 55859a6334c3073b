/**
 * What `kb ingest PATH…` reads: folders (walked, sorted, hidden entries and node_modules skipped),
 * files of a known format, URL list files (`*.urls`: one http(s) URL a line, `#` comments) and URLs.
 * Each item is loaded on demand, one at a time, so memory stays bounded by the largest document.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatOf, type DocFormat } from './parse.js';

export interface KbItem {
  /**
   * Key of the document: its absolute path or its URL. (A path relative to the working directory would
   * make two different files the same document when ingested from two folders.)
   */
  source: string;
  url: string;
  name: string;
  load(): Promise<LoadedItem>;
}

export interface LoadedItem {
  text: string;
  format: DocFormat;
  /** File mtime or HTTP Last-Modified, epoch ms. */
  modified?: number;
}

export interface ItemProblem {
  source: string;
  error: string;
}

export class ItemError extends Error {}

const MAX_BYTES = 5 * 1024 * 1024;
const isUrl = (s: string) => /^https?:\/\//i.test(s);

export interface ExpandOptions {
  cwd?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export async function expandInputs(
  inputs: readonly string[],
  opts: ExpandOptions = {},
): Promise<{ items: KbItem[]; problems: ItemProblem[] }> {
  const cwd = opts.cwd ?? process.cwd();
  const items: KbItem[] = [];
  const problems: ItemProblem[] = [];
  const seen = new Set<string>();
  const add = (it: KbItem) => {
    if (seen.has(it.source)) return;
    seen.add(it.source);
    items.push(it);
  };

  for (const input of inputs) {
    if (isUrl(input)) {
      add(urlItem(input, opts));
      continue;
    }
    const abs = resolve(cwd, input);
    let st;
    try {
      st = await stat(abs);
    } catch {
      problems.push({ source: input, error: 'no such file or folder' });
      continue;
    }
    if (st.isDirectory()) {
      for (const f of await walk(abs)) if (formatOf(f)) add(fileItem(f, f));
    } else if (/\.urls$/i.test(abs)) {
      const lines = (await readFile(abs, 'utf8')).split(/\r?\n/);
      lines.forEach((l, i) => {
        const u = l.trim();
        if (!u || u.startsWith('#')) return;
        if (isUrl(u)) add(urlItem(u, opts));
        else problems.push({ source: `${input}:${i + 1}`, error: 'not an http(s) URL' });
      });
    } else if (formatOf(abs)) add(fileItem(abs, abs));
    else problems.push({ source: input, error: 'unsupported file type (Markdown, HTML, text or a .urls list)' });
  }
  return { items, problems };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function fileItem(abs: string, source: string): KbItem {
  return {
    source,
    url: pathToFileURL(abs).href,
    name: basename(abs),
    async load() {
      const st = await stat(abs);
      if (st.size > MAX_BYTES) throw new ItemError(`larger than ${MAX_BYTES} bytes`);
      return { text: await readFile(abs, 'utf8'), format: formatOf(abs)!, modified: st.mtimeMs };
    },
  };
}

function urlItem(url: string, opts: ExpandOptions): KbItem {
  return {
    source: url,
    url,
    name: basename(new URL(url).pathname) || new URL(url).hostname,
    async load() {
      let res: Response;
      try {
        res = await (opts.fetch ?? fetch)(url, {
          signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
          headers: { accept: 'text/markdown, text/html, text/plain;q=0.9, */*;q=0.1' },
        });
      } catch (e) {
        throw new ItemError(`fetch failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!res.ok) throw new ItemError(`HTTP ${res.status}`);
      const len = Number(res.headers.get('content-length') ?? 0);
      if (len > MAX_BYTES) throw new ItemError(`larger than ${MAX_BYTES} bytes`);
      const format = formatOf(url, res.headers.get('content-type') ?? undefined);
      if (!format) throw new ItemError(`unsupported content type ${res.headers.get('content-type') ?? '(none)'}`);
      const text = await res.text();
      if (text.length > MAX_BYTES) throw new ItemError(`larger than ${MAX_BYTES} bytes`);
      const lm = Date.parse(res.headers.get('last-modified') ?? '');
      return { text, format, ...(Number.isFinite(lm) ? { modified: lm } : {}) };
    },
  };
}
