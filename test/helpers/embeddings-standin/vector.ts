/**
 * The stand-in model: a deterministic hashed bag of words and character n-grams (feature hashing
 * with a sign bit, FNV-1a). Words are lowercased and lightly stemmed; each word adds its 3- and
 * 4-grams with boundary marks at half weight. So `slowness` lands near `slow`, `postgres` near
 * `postgresql`, a typo near the word: similarity a real model also gives, without one.
 */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const STOP = new Set([
  'the',
  'a',
  'an',
  'of',
  'to',
  'in',
  'on',
  'and',
  'or',
  'is',
  'are',
  'for',
  'with',
  'it',
  'be',
  'by',
  'at',
  'as',
  'this',
  'that',
  'when',
  'what',
  'how',
  'do',
  'i',
  'my',
]);

function stem(w: string): string {
  for (const suf of ['ations', 'ation', 'ness', 'ing', 'ed', 'es', 's'])
    if (w.length > suf.length + 2 && w.endsWith(suf)) return w.slice(0, -suf.length);
  return w;
}

export function standinVector(text: string, dims = 256): number[] {
  const v = new Array<number>(dims).fill(0);
  const add = (feature: string, w: number) => {
    const h = fnv1a(feature);
    v[h % dims]! += h & 0x80000000 ? -w : w;
  };
  for (const raw of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (!raw || STOP.has(raw)) continue;
    const w = stem(raw);
    add(`w:${w}`, 1);
    const padded = `^${w}$`;
    for (const n of [3, 4]) for (let i = 0; i + n <= padded.length; i++) add(`g:${padded.slice(i, i + n)}`, 0.5);
  }
  return v;
}
