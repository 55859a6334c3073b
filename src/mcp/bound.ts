/**
 * Bounded tool output: an LLM's context is the budget. A result whose JSON is longer than the limit
 * has its longest array halved (repeatedly) and says so in `truncated`, so the text stays valid JSON.
 */
export const MAX_OUTPUT_CHARS = 24_000;

function longestArray(v: unknown, best: { arr: unknown[] | null; len: number }): void {
  if (Array.isArray(v)) {
    const len = JSON.stringify(v).length;
    if (v.length > 1 && len > best.len) {
      best.arr = v;
      best.len = len;
    }
    for (const x of v) longestArray(x, best);
  } else if (v && typeof v === 'object') for (const x of Object.values(v)) longestArray(x, best);
}

export function boundedJson(value: unknown, max = MAX_OUTPUT_CHARS): string {
  let text = JSON.stringify(value);
  if (text.length <= max) return text;
  const copy = JSON.parse(text) as Record<string, unknown>;
  let dropped = 0;
  for (let i = 0; i < 64 && text.length > max; i++) {
    const best = { arr: null as unknown[] | null, len: 0 };
    longestArray(copy, best);
    if (!best.arr) break;
    const keep = Math.floor(best.arr.length / 2);
    dropped += best.arr.length - keep;
    best.arr.length = keep;
    const out = {
      ...copy,
      truncated: `${dropped} list item(s) left out to stay under ${max} characters; narrow the query or lower limit`,
    };
    text = JSON.stringify(out);
  }
  return text.length <= max ? text : text.slice(0, max);
}
