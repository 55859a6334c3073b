import { parseDocument, type ScalarTag, type Tags } from 'yaml';
import { TopologyInputError, lineColumnAt } from '../input-error.js';

/** Marks `!vault` values: encrypted, never read as a dependency. */
export const VAULT_VALUE = '<vault>';

const vaultTag: ScalarTag = { tag: '!vault', resolve: () => VAULT_VALUE };
const unsafeTag: ScalarTag = { tag: '!unsafe', resolve: (s: string) => s };

/**
 * PyYAML's flavour of YAML 1.1: booleans without the one-letter forms (`y`, `n` stay strings,
 * while the `yaml` package's 1.1 schema would read them as booleans), stricter exponents.
 */
function pyYamlTags(tags: Tags): Tags {
  const out = tags
    .filter((t) => !(typeof t === 'object' && 'tag' in t && t.tag === 'tag:yaml.org,2002:bool'))
    // PyYAML wants a dot and a signed exponent (`1.5e+3`); `1.5e3` stays a string there.
    .map((t) =>
      typeof t === 'object' && 'format' in t && t.format === 'EXP'
        ? ({ ...t, test: /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)[eE][-+][0-9]+$/ } as ScalarTag)
        : t,
    );
  const bool = (value: boolean, test: RegExp): ScalarTag => ({
    identify: (v) => v === value,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test,
    resolve: () => value,
  });
  out.push(
    bool(true, /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/),
    bool(false, /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/),
    vaultTag,
    unsafeTag,
  );
  return out;
}

/**
 * YAML as ansible reads it (PyYAML, YAML 1.1: `yes` is true, `0755` is octal). Dates become
 * ISO strings. A syntax error is one TopologyInputError with the file, line and column.
 */
export function loadAnsibleYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, {
    version: '1.1',
    customTags: pyYamlTags,
    prettyErrors: false,
    uniqueKeys: false,
  });
  const err = doc.errors[0];
  if (err !== undefined) {
    const msg = err.message.split('\n')[0] ?? err.message;
    throw new TopologyInputError(file, lineColumnAt(text, err.pos[0]), `invalid YAML: ${msg}`);
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
