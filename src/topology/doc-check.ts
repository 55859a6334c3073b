import { TopologyInputError, formatPath } from './input-error.js';

/**
 * Small structural checks for parsed documents: each failure names the file and the document
 * path (`resources[3].instances`). Unknown keys are ignored (formats only add fields).
 */
export class DocReader {
  constructor(readonly file: string) {}

  fail(path: readonly (string | number)[], msg: string): never {
    throw new TopologyInputError(this.file, { path: formatPath(path) }, msg);
  }

  object(v: unknown, path: readonly (string | number)[]): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(path, `expected an object, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  array(v: unknown, path: readonly (string | number)[]): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected a list, got ${describe(v)}`);
    return v;
  }

  optArray(v: unknown, path: readonly (string | number)[]): unknown[] {
    return v === undefined || v === null ? [] : this.array(v, path);
  }

  string(v: unknown, path: readonly (string | number)[]): string {
    if (typeof v !== 'string') this.fail(path, `expected a string, got ${describe(v)}`);
    return v;
  }

  optString(v: unknown, path: readonly (string | number)[]): string | undefined {
    return v === undefined || v === null ? undefined : this.string(v, path);
  }

  stringList(v: unknown, path: readonly (string | number)[]): string[] {
    return this.optArray(v, path).map((x, i) => this.string(x, [...path, i]));
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}
