import { parseUrn } from '../core/urn.js';

// A URN runs until whitespace or a character that closes prose around it (quotes, brackets, `,`).
const URN_RE = /\burn:[a-z0-9_]+(?::[^\s"'`<>()[\]{},|]+)?/gi;

/**
 * The resource URNs (src/core/urn.ts shapes) a text mentions, deduplicated, in order of appearance.
 * A trailing `.`, `;` or `:` ends a sentence, not the URN.
 */
export function urnsIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(URN_RE)) {
    const urn = m[0].replace(/[.;:]+$/, '');
    if (parseUrn(urn)) out.add(urn);
    if (out.size >= 200) break;
  }
  return [...out];
}
