import { PermanentError } from '../core/errors.js';
import { locateJsonError } from './json-locate.js';

/**
 * A malformed input file: one clear error naming the file and where it went wrong
 * (`file:line:column: message`, or a document path such as `resources[3].kind`).
 */
export class TopologyInputError extends PermanentError {
  constructor(
    readonly file: string,
    readonly where: { line: number; column?: number } | { path: string } | undefined,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super('topology_input', `${file}${formatWhere(where)}: ${detail}`, options);
  }
}

function formatWhere(w: TopologyInputError['where']): string {
  if (w === undefined) return '';
  if ('path' in w) return w.path === '' ? '' : ` at ${w.path}`;
  return w.column === undefined ? `:${w.line}` : `:${w.line}:${w.column}`;
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** JSON.parse that reports the file, line and column on failure (truncated input: its end). */
export function parseJsonText(raw: string, file: string): unknown {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const { offset, reason } = locateJsonError(text);
    throw new TopologyInputError(file, lineColumnAt(text, offset), `invalid JSON: ${reason}`, { cause: e });
  }
}

/** `a.b[2].c` from a path of keys and indexes. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}
