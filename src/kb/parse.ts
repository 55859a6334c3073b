/**
 * Documents to sections: Markdown (ATX and setext headings, YAML front matter, fenced code kept
 * whole), HTML (through htmlparser2, headings become section breaks, scripts and styles dropped) and
 * plain text (one section). Pure: no I/O.
 *
 * Markdown is split by a line scanner rather than a full Markdown parser: only headings and code
 * fences matter for sectioning, and the chunk text should stay the author's Markdown.
 */
import { Parser } from 'htmlparser2';
import { parse as parseYaml } from 'yaml';

export type DocFormat = 'markdown' | 'html' | 'text';

export interface Section {
  /** Heading path, outermost first (`["Orders DB slow", "Diagnosis"]`); empty before the first heading. */
  headings: string[];
  text: string;
}

export interface ParsedDoc {
  title: string;
  sections: Section[];
  /** Front matter `date:` (or HTML meta date), epoch ms. */
  date?: number;
  /** Front matter fields other than title/date, kept as metadata (strings, numbers, lists of them). */
  meta: Record<string, unknown>;
}

export function formatOf(name: string, contentType?: string): DocFormat | undefined {
  const ct = contentType?.split(';')[0]?.trim().toLowerCase();
  if (ct === 'text/html' || ct === 'application/xhtml+xml') return 'html';
  if (ct === 'text/markdown' || ct === 'text/x-markdown') return 'markdown';
  const ext = /\.([a-z0-9]+)$/i.exec(name.replace(/[?#].*$/, ''))?.[1]?.toLowerCase();
  if (ext === 'md' || ext === 'markdown' || ext === 'mdx') return 'markdown';
  if (ext === 'html' || ext === 'htm' || ext === 'xhtml') return 'html';
  if (ext === 'txt' || ext === 'text' || ext === 'log') return 'text';
  if (ct === 'text/plain') return 'text';
  return undefined;
}

export function parseDocument(text: string, format: DocFormat, fallbackTitle: string): ParsedDoc {
  const clean = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (format === 'html') return parseHtml(clean, fallbackTitle);
  if (format === 'markdown') return parseMarkdown(clean, fallbackTitle);
  const body = clean.trim();
  const first = body.split('\n', 1)[0]?.trim() ?? '';
  return {
    title: first.length > 0 && first.length <= 120 ? first : fallbackTitle,
    sections: body ? [{ headings: [], text: body }] : [],
    meta: {},
  };
}

function frontMatter(text: string): { body: string; fields: Record<string, unknown> } {
  const m = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (!m) return { body: text, fields: {} };
  try {
    const v = parseYaml(m[1]!) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v))
      return { body: text.slice(m[0].length), fields: v as Record<string, unknown> };
  } catch {
    // Not YAML after all: keep it as text.
  }
  return { body: text, fields: {} };
}

function dateOf(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : undefined;
  if (typeof v === 'string' || typeof v === 'number') {
    const t = typeof v === 'number' ? v : Date.parse(v);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

function plainMeta(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'title' || k === 'date') continue;
    const ok = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
    if (ok(v)) out[k] = v;
    else if (Array.isArray(v) && v.every(ok)) out[k] = v;
  }
  return out;
}

const ATX = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function parseMarkdown(text: string, fallbackTitle: string): ParsedDoc {
  const { body, fields } = frontMatter(text);
  const lines = body.split('\n');
  const sections: Section[] = [];
  const stack: { level: number; text: string }[] = [];
  let buf: string[] = [];
  let fence: string | null = null;
  let firstH1: string | undefined;

  const flush = () => {
    const t = buf.join('\n').trim();
    if (t) sections.push({ headings: stack.map((h) => h.text), text: t });
    buf = [];
  };
  const heading = (level: number, title: string) => {
    flush();
    while (stack.length > 0 && stack.at(-1)!.level >= level) stack.pop();
    stack.push({ level, text: title });
    if (level === 1 && firstH1 === undefined) firstH1 = title;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = FENCE.exec(line);
    if (fence !== null) {
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = null;
      buf.push(line);
      continue;
    }
    if (f) {
      fence = f[1]!;
      buf.push(line);
      continue;
    }
    const atx = ATX.exec(line);
    if (atx && atx[2]) {
      heading(atx[1]!.length, atx[2]);
      continue;
    }
    // Setext: a text line underlined by === (h1) or --- (h2); a lone --- after a blank is a rule.
    const next = lines[i + 1];
    if (next !== undefined && line.trim() !== '' && /^ {0,3}(=+|-+)[ \t]*$/.test(next) && !/^\s*[-*>]/.test(line)) {
      heading(next.trim().startsWith('=') ? 1 : 2, line.trim());
      i++;
      continue;
    }
    buf.push(line);
  }
  flush();
  const title = typeof fields.title === 'string' && fields.title.trim() ? fields.title.trim() : firstH1;
  const date = dateOf(fields.date);
  return {
    title: title ?? fallbackTitle,
    sections,
    ...(date === undefined ? {} : { date }),
    meta: plainMeta(fields),
  };
}

const BLOCK = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'li',
  'ul',
  'ol',
  'table',
  'tr',
  'br',
  'pre',
  'blockquote',
  'dd',
  'dt',
  'dl',
  'hr',
  'figure',
  'figcaption',
  'aside',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head', 'nav']);

/** HTML → Markdown-like text (headings as `#`), then the Markdown sectioner. */
function parseHtml(html: string, fallbackTitle: string): ParsedDoc {
  let out = '';
  let skip = 0;
  let inTitle = false;
  let title = '';
  let inPre = 0;
  let date: number | undefined;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'title') inTitle = true;
        if (name === 'meta') {
          const key = (attrs.name ?? attrs.property ?? '').toLowerCase();
          if (['date', 'article:published_time', 'dc.date', 'last-modified'].includes(key))
            date ??= dateOf(attrs.content);
        }
        if (SKIP.has(name)) skip++;
        const h = /^h([1-6])$/.exec(name);
        if (h) out += `\n\n${'#'.repeat(Number(h[1]))} `;
        else if (name === 'li') out += '\n- ';
        else if (name === 'pre') {
          inPre++;
          out += '\n\n```\n';
        } else if (BLOCK.has(name)) out += '\n\n';
      },
      ontext(t) {
        if (inTitle) title += t;
        if (skip > 0) return;
        out += inPre > 0 ? t : t.replace(/\s+/g, ' ');
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (SKIP.has(name)) skip = Math.max(0, skip - 1);
        if (/^h[1-6]$/.test(name)) out += '\n\n';
        else if (name === 'pre') {
          inPre = Math.max(0, inPre - 1);
          out += '\n```\n\n';
        } else if (BLOCK.has(name)) out += '\n\n';
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  // The heading line must be one line: collapse breaks inside it.
  const md = out
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
  const doc = parseMarkdown(md, fallbackTitle);
  const t = title.replace(/\s+/g, ' ').trim();
  return { ...doc, title: t || doc.title, ...(date === undefined ? {} : { date }) };
}
