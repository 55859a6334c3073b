import { parseDocument, type ScalarTag } from 'yaml';
import { TopologyInputError } from '../input-error.js';

/** Marks `!vault` values: encrypted, never read as a dependency. */
export const VAULT_VALUE = '<vault>';

const vaultTag: ScalarTag = { tag: '!vault', resolve: () => VAULT_VALUE };
const unsafeTag: ScalarTag = { tag: '!unsafe', resolve: (s: string) => s };

/**
 * YAML as ansible reads it (PyYAML, YAML 1.1: `yes` is true, `0755` is octal). Dates become
 * ISO strings. A syntax error is one TopologyInputError with the file, line and column.
 */
export function loadAnsibleYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, {
    version: '1.1',
    customTags: [vaultTag, unsafeTag],
    prettyErrors: false,
    uniqueKeys: false,
  });
  const err = doc.errors[0];
  if (err !== undefined) {
    const pos = err.linePos?.[0];
    const msg = err.message.split('\n')[0] ?? err.message;
    throw new TopologyInputError(
      file,
      pos === undefined ? undefined : { line: pos.line, column: pos.col },
      `invalid YAML: ${msg}`,
    );
  }
  return normalize(doc.toJS({ maxAliasCount: 10000 }));
}

function normalize(v: unknown): unknown {
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (Array.isArray(v)) return v.map((x) => normalize(x));
  if (v instanceof Map) return normalize(Object.fromEntries(v));
  if (v instanceof Set) return [...v].map((x) => normalize(x));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normalize(x);
    return out;
  }
  return v;
}
