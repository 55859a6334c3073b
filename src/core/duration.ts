const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** Parses `90s`, `1m`, `5m`, `1h`, `7d`, or a compound like `1h30m`. Returns ms or throws. */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  let total = 0;
  let rest = s;
  const part = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/;
  if (rest.length === 0) throw new Error(`invalid duration '${text}' (expected e.g. 30s, 5m, 1h, 7d)`);
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (!m) throw new Error(`invalid duration '${text}' (expected e.g. 30s, 5m, 1h, 7d)`);
    total += Number(m[1]) * UNIT_MS[m[2] as Unit];
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}

export function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

/** Formats ms as the shortest exact duration string (`300000` → `5m`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const u of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[u] === 0) return `${ms / UNIT_MS[u]}${u}`;
  }
  return `${ms}ms`;
}

export { DURATION_RE };
