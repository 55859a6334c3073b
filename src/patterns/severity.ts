/**
 * Severity of a log line: the record's own level when it has one, normalized to six names; otherwise
 * inferred from the text. `count_error` in log_pattern_5m counts lines for which `isErrorSeverity` holds.
 */

export const SEVERITIES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How a numeric level is read: OpenTelemetry SeverityNumber (1–24), syslog (0–7) or pino/bunyan (10–60). */
export type NumericLevelScheme = 'otel' | 'syslog' | 'pino';

const RANK: Readonly<Record<Severity, number>> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };

export function severityRank(s: Severity): number {
  return RANK[s];
}

/** The more severe of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}

export function isErrorSeverity(s: Severity | null | undefined): boolean {
  return s === 'ERROR' || s === 'FATAL';
}

const NAMES: ReadonlyMap<string, Severity> = new Map<string, Severity>([
  ['trace', 'TRACE'],
  ['t', 'TRACE'],
  ['finest', 'TRACE'],
  ['finer', 'TRACE'],
  ['verbose', 'TRACE'],
  ['v', 'TRACE'],
  ['debug', 'DEBUG'],
  ['dbg', 'DEBUG'],
  ['d', 'DEBUG'],
  ['fine', 'DEBUG'],
  ['config', 'DEBUG'],
  ['info', 'INFO'],
  ['information', 'INFO'],
  ['informational', 'INFO'],
  ['i', 'INFO'],
  ['notice', 'INFO'],
  ['n', 'INFO'],
  ['log', 'INFO'],
  ['warn', 'WARN'],
  ['warning', 'WARN'],
  ['w', 'WARN'],
  ['error', 'ERROR'],
  ['err', 'ERROR'],
  ['e', 'ERROR'],
  ['severe', 'ERROR'],
  ['fail', 'ERROR'],
  ['failure', 'ERROR'],
  ['exception', 'ERROR'],
  ['fatal', 'FATAL'],
  ['f', 'FATAL'],
  ['critical', 'FATAL'],
  ['crit', 'FATAL'],
  ['c', 'FATAL'],
  ['alert', 'FATAL'],
  ['a', 'FATAL'],
  ['emerg', 'FATAL'],
  ['emergency', 'FATAL'],
  ['panic', 'FATAL'],
]);

function fromNumber(n: number, scheme: NumericLevelScheme): Severity | null {
  if (!Number.isFinite(n)) return null;
  if (scheme === 'syslog') {
    if (n < 0 || n > 7) return null;
    if (n <= 2) return 'FATAL'; // emerg, alert, crit
    if (n === 3) return 'ERROR';
    if (n === 4) return 'WARN';
    if (n <= 6) return 'INFO'; // notice, info
    return 'DEBUG';
  }
  if (scheme === 'pino') {
    if (n >= 60) return 'FATAL';
    if (n >= 50) return 'ERROR';
    if (n >= 40) return 'WARN';
    if (n >= 30) return 'INFO';
    if (n >= 20) return 'DEBUG';
    if (n >= 1) return 'TRACE';
    return null;
  }
  // OpenTelemetry SeverityNumber: 1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL.
  if (n < 1 || n > 24) return null;
  return SEVERITIES[Math.floor((n - 1) / 4)]!;
}

/**
 * Normalizes a record's level: names in any case and common spellings (`warning`, `err`, `E`,
 * `CRITICAL`, `notice`), OpenTelemetry texts with a suffix (`INFO2`, `ERROR3`), and numbers read by
 * `scheme` (default OpenTelemetry; a numeric string counts as a number). `null` when unknown or empty.
 */
export function normalizeLevel(
  level: string | number | null | undefined,
  scheme: NumericLevelScheme = 'otel',
): Severity | null {
  if (level === null || level === undefined) return null;
  if (typeof level === 'number') return fromNumber(level, scheme);
  // Records carry a handful of distinct level strings: remember their answers (per scheme).
  const memo = LEVEL_MEMO[scheme];
  const hit = memo.get(level);
  if (hit !== undefined) return hit;
  const s = normalizeText(level, scheme);
  if (memo.size < LEVEL_MEMO_MAX && level.length <= 32) memo.set(level, s);
  return s;
}

/** Bounded (entries and key length), so a source sending free text as its level cannot grow it. */
const LEVEL_MEMO_MAX = 256;
const LEVEL_MEMO: Record<NumericLevelScheme, Map<string, Severity | null>> = {
  otel: new Map(),
  syslog: new Map(),
  pino: new Map(),
};

function normalizeText(level: string, scheme: NumericLevelScheme): Severity | null {
  const t = level.trim();
  if (t.length === 0) return null;
  if (/^\d+$/.test(t)) return fromNumber(Number(t), scheme);
  const lower = t.toLowerCase();
  const direct = NAMES.get(lower);
  if (direct !== undefined) return direct;
  // OTel severity texts such as `INFO2`, `WARN4`; syslog `<3>`; `[error]`.
  const m = /^[[<(]?([a-z]+)[1-4]?[\]>)]?:?$/.exec(lower);
  if (m !== null) return NAMES.get(m[1]!) ?? null;
  const n = /^<([0-7])>$/.exec(t);
  if (n !== null) return fromNumber(Number(n[1]), 'syslog');
  return null;
}

/**
 * A level stated near the start of a line: `ERROR`, `[warn]`, `level=error`, `"level":"warn"`,
 * `<3>` (syslog priority), `E0612` / `W0612` (glog). Upper-case words only when bare, so prose
 * (`no error`) is not read as a level.
 */
const STATED_LEVEL_RE =
  /(?:^|[\s[(|,"'])(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|SEVERE|CRIT(?:ICAL)?|ALERT|EMERG|FATAL|PANIC)(?=[\s\]):|,"']|$)|\[(trace|debug|info|notice|warn(?:ing)?|error|err|crit(?:ical)?|alert|emerg|fatal)\]|\b(?:level|lvl|severity|loglevel)["']?\s*[=:]\s*["']?([A-Za-z]+)|^<([0-7])>|^([IWEF])\d{4}\s/;

/** Words anywhere in a message that mark an error or a warning when no level is stated. */
const ERROR_WORDS_RE =
  /\b(?:panic|fatal)\b|\bTraceback \(most recent call last\)|\b\w*(?:Exception|Error)\b|\b(?:error|errors occurred|failed|failure|exception|segfault|segmentation fault|out of memory|OOMKilled|stack trace)\b/i;
const FATAL_WORDS_RE = /\b(?:panic|fatal|FATAL|kernel panic|segmentation fault|out of memory)\b/;
const WARN_WORDS_RE = /\b(?:warn|warning|deprecated|retrying|timed? ?out)\b/i;

/** How far into a line a stated level is looked for: headers are short. */
const STATED_WINDOW = 160;

/**
 * Infers a severity from the text of a line: a level stated near the start wins; otherwise error
 * words (`Exception`, `Traceback`, `failed`, `panic`) give ERROR or FATAL, warning words WARN, and
 * anything else INFO.
 */
export function inferSeverity(text: string): Severity {
  const head = text.length > STATED_WINDOW ? text.slice(0, STATED_WINDOW) : text;
  const m = STATED_LEVEL_RE.exec(head);
  if (m !== null) {
    if (m[4] !== undefined) return fromNumber(Number(m[4]), 'syslog') ?? 'INFO';
    if (m[5] !== undefined) return normalizeLevel(m[5]) ?? 'INFO';
    const word = m[1] ?? m[2] ?? m[3];
    const s = word === undefined ? null : normalizeLevel(word);
    if (s !== null) return s;
  }
  if (ERROR_WORDS_RE.test(text)) return FATAL_WORDS_RE.test(text) ? 'FATAL' : 'ERROR';
  if (WARN_WORDS_RE.test(text)) return 'WARN';
  return 'INFO';
}

/** A line's severity: its record level when known, else inferred from its text. */
export function severityOf(
  level: string | number | null | undefined,
  text: string,
  scheme: NumericLevelScheme = 'otel',
): Severity {
  return normalizeLevel(level, scheme) ?? inferSeverity(text);
}
