/**
 * Masking: turns one raw log line into the token sequence the template miner clusters, with the
 * variable parts (numbers, addresses, ids, ...) replaced by a mask token.
 *
 * Two kinds of rules, applied in this order:
 *  1. `rules`: user regexes, run in their listed order over the whole line (`line.replace(re, token)`).
 *     They come first so that a site-specific id format wins over the generic classifiers.
 *  2. Built-in classifiers, run per whitespace-separated token. They are not regexes over the line:
 *     one pass over the characters collects a few flags (has a digit? a '/'? an '@'?) and only tokens
 *     that could be variables are examined further. That keeps masking at a few hundred nanoseconds per
 *     line, where a chain of ten line-wide regexes costs microseconds.
 *
 * Built-ins, most specific first: dates (ISO, and spelled with month names over several tokens),
 * key=value values, URLs, e-mails, UUIDs, IPv4/IPv6 (with :port or /cidr), host:port, hex ids (0x..,
 * long hex runs with a digit), durations and sizes (12ms, 1.5s, 4KB), numbers, paths, dotted names of
 * three or more labels (db1.prod.example.com, com.example.Foo), and finally `digits`: inside any
 * remaining token, each alphanumeric run that holds a digit is masked (blk_-42 → blk_<*>,
 * sshd[812]: → sshd[<*>]:, x86 → x<*>; a run that interleaves letters and digits twice or more, like
 * jA9J1UvC004306, is masked whole). A token whose masked form is only masks and punctuation collapses
 * to a single mask, so times and versions become one `<*>`.
 *
 * After masking, a recognised line header (timestamp, level, thread, logger) is dropped: header.ts.
 *
 * A built-in may write a typed token (`<IP>`, `<NUM>`) instead of `<*>`: typed tokens keep different
 * kinds of variable apart while clustering; templates always render every mask as `<*>`.
 */
import { ConfigError } from '../core/errors.js';
import { headerLength } from './header.js';

/** The mask every rendered template uses for a variable. */
export const PARAM = '<*>';

export const BUILTIN_MASKS = [
  'datetime',
  'kv',
  'url',
  'email',
  'uuid',
  'ip',
  'hostPort',
  'domain',
  'hex',
  'duration',
  'number',
  'path',
  'digits',
] as const;
export type BuiltinMask = (typeof BUILTIN_MASKS)[number];

export interface MaskRule {
  /** For error messages and docs only. */
  name?: string;
  /** JavaScript regular expression source; applied globally to the whole line. */
  pattern: string;
  /** Extra flags besides `g` (e.g. `i`). */
  flags?: string;
  /** What replaces each match; `<*>` or a typed token `<NAME>` (upper case, digits, `_`). */
  token?: string;
}

export interface MaskingOptions {
  /** Per built-in: `false` disables it, a string sets its token (`'<IP>'`); default `<*>` for all. */
  builtins?: Partial<Record<BuiltinMask, boolean | string>>;
  /** Ordered user regexes, applied before the built-ins. */
  rules?: MaskRule[];
  /**
   * Keys whose `key=value` tokens are dropped before mining (`request_id=42` disappears), so a field
   * that is present on some lines only does not split a pattern. Case-sensitive.
   */
  ignoredFields?: string[];
  /**
   * Drop a recognised line header (timestamp, level, thread, logger; see header.ts) before mining, so
   * whole lines and bare messages give the same templates. Default true.
   */
  stripHeader?: boolean;
  /** Characters treated as extra token separators (Drain3's extra_delimiters). Default none. */
  extraDelimiters?: string[];
}

/** A mask token: `<*>` or `<UPPER_CASE>`. */
const MASK_TOKEN_RE = /^<(?:\*|[A-Z][A-Z0-9_]*)>$/;
/** Any mask token inside a string, for rendering. */
const ANY_MASK_RE = /<[A-Z][A-Z0-9_]*>/g;

export function isMaskToken(s: string): boolean {
  return s.length >= 3 && s.charCodeAt(0) === 60 && MASK_TOKEN_RE.test(s);
}

/** Renders an internal token (which may hold typed masks) with every mask written as `<*>`. */
export function renderToken(tok: string): string {
  return tok.indexOf('<') < 0 ? tok : tok.replace(ANY_MASK_RE, PARAM);
}

/** A bad masking option: a configuration error (the CLI exits with code 2). */
export class MaskingConfigError extends ConfigError {}

interface CompiledRule {
  re: RegExp;
  token: string;
}

// Character codes used by the scanner.
const C_TAB = 9;
const C_SPACE = 32;
const C_0 = 48;
const C_9 = 57;
const C_A = 65;
const C_F = 70;
const C_Z = 90;
const C_a = 97;
const C_f = 102;
const C_z = 122;
const C_SLASH = 47;
const C_AT = 64;
const C_EQ = 61;
const C_COLON = 58;
const C_DOT = 46;
const C_MINUS = 45;
const C_PLUS = 43;
const C_UNDERSCORE = 95;
const C_BACKSLASH = 92;
const C_LT = 60;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}
function isHexLetter(c: number): boolean {
  return (c >= C_a && c <= C_f) || (c >= C_A && c <= C_F);
}
function isAlpha(c: number): boolean {
  return (c >= C_a && c <= C_z) || (c >= C_A && c <= C_Z);
}
function isAlnum(c: number): boolean {
  return isDigit(c) || isAlpha(c);
}

/** Leading punctuation stripped before classifying a token: ( [ { " ' ` */
function isOpenWrap(c: number): boolean {
  return c === 40 || c === 91 || c === 123 || c === 34 || c === 39 || c === 96;
}
/** Trailing punctuation stripped before classifying a token: ) ] } " ' ` , ; : . ! ? */
function isCloseWrap(c: number): boolean {
  return (
    c === 41 ||
    c === 93 ||
    c === 125 ||
    c === 34 ||
    c === 39 ||
    c === 96 ||
    c === 44 ||
    c === 59 ||
    c === C_COLON ||
    c === C_DOT ||
    c === 33 ||
    c === 63
  );
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const IPV4_RE = /^(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5}|\/\d{1,2})?$/;
const IPV6_RE =
  /^\[?(?:[0-9a-fA-F]{0,4}:){2,7}(?:[0-9a-fA-F]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?:%[\w.]+)?(?:\]:\d{1,5}|\]|\/\d{1,3})?$/;
const EMAIL_RE = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/;
const URL_RE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/\S+$/;
const NUMBER_RE = /^[-+]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** A number followed by a unit of time or size, or a compound duration (1h2m3.5s). */
const DURATION_RE =
  /^[-+]?\d+(?:\.\d+)?(?:ns|us|µs|ms|s|sec|secs|m|min|mins|h|hr|hrs|d|[kKMGTP]i?[bB]?|[bB]|bytes|%|x)$|^(?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs|ns)){2,}$/;
const MON = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*';
const TIME = '\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?';
/**
 * Dates written with month names, with a time: `Fri Jun 17 07:07:00 2005`, `Jun 14 15:16:01`,
 * `17 Jun 2005 07:07:00`, `10/Oct/2000:13:55:36 -0700`.
 */
const TEXT_DATE_RE = new RegExp(
  [
    `\\b(?:${DAY},?\\s+)?${MON}\\s+\\d{1,2},?(?:\\s+\\d{4})?\\s+${TIME}(?:\\s+\\d{4}\\b)?`,
    `\\b(?:${DAY},?\\s+)?\\d{1,2}\\s+${MON}\\s+\\d{4},?\\s+${TIME}`,
    `\\b\\d{1,2}/${MON}/\\d{4}:${TIME}(?:\\s+[-+]\\d{4})?`,
  ].join('|'),
  'g',
);
/** ISO 8601 dates and date-times: `2024-05-03`, `2024-05-03T12:10:10.123Z`, `2024-05-03T12:10:10+02:00`. */
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}(?:[T_]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
/** Units after a number that make it a duration or a size (the `duration` built-in). */
const DURATION_UNITS = new Set(
  'ns us µs ms s sec secs m min mins h hr hrs d k K M G T P kb Kb KB kB mb Mb MB gb Gb GB tb TB pb PB KiB MiB GiB TiB b B bytes x'.split(
    ' ',
  ),
);
const MONTHS = new Set(
  'Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June July August September October November December'.split(
    ' ',
  ),
);
const MONTH_INITIAL = new Set([...'JFMASOND'].map((ch) => ch.charCodeAt(0)));
/** `10/Oct/2000:13:55:36`: the one date format with a month name inside a token. */
const SLASH_MONTH_RE = /\d\/[A-Z][a-z]{2}\/\d{4}:/;
/** `name.example.com:8080`: a dotted host name with a port. */
const HOST_PORT_RE = /^[A-Za-z0-9][\w-]*(?:\.[\w-]+)+:\d{1,5}$/;
/** A dotted name of three or more labels ending in a letter label: `db1.prod.example.com`, `com.apple.foo`. */
const DOMAIN_RE = /^[A-Za-z0-9][\w-]*(?:\.[\w-]+){2,}$/;
const HEX_PREFIX_RE = /^[-+]?0[xX][0-9a-fA-F]+$/;

/**
 * A compiled masker. `tokens(line)` returns the masked tokens of one line; it allocates only the
 * returned array and the token strings.
 */
export class Masker {
  readonly #rules: readonly CompiledRule[];
  readonly #tok: Readonly<Record<BuiltinMask, string | null>>;
  readonly #ignored: ReadonlySet<string>;
  readonly #delims: RegExp | null;
  readonly #stripHeader: boolean;
  readonly #quickOk: boolean;
  readonly #quickToken: string;
  readonly #suffixed = new Map<number, string>();
  readonly #maskTokens: Set<string>;
  #flags = new Uint8Array(64);

  constructor(opts: MaskingOptions = {}) {
    const tok = {} as Record<BuiltinMask, string | null>;
    this.#maskTokens = new Set([PARAM]);
    for (const name of BUILTIN_MASKS) {
      const v = opts.builtins?.[name];
      if (v === false) tok[name] = null;
      else if (typeof v === 'string') {
        if (!MASK_TOKEN_RE.test(v)) {
          throw new MaskingConfigError(
            `config: patterns.masking.builtins.${name}: token must look like <*> or <NAME> (got ${v})`,
          );
        }
        tok[name] = v;
        this.#maskTokens.add(v);
      } else tok[name] = PARAM;
    }
    this.#tok = tok;
    this.#rules = (opts.rules ?? []).map((r, i) => {
      const where = `config: patterns.masking.rules[${i}]${r.name ? ` (${r.name})` : ''}`;
      const token = r.token ?? PARAM;
      if (!MASK_TOKEN_RE.test(token)) {
        throw new MaskingConfigError(`${where}.token: must look like <*> or <NAME> (got ${token})`);
      }
      this.#maskTokens.add(token);
      const flags = r.flags ?? '';
      if (!/^[imsuy]*$/.test(flags))
        throw new MaskingConfigError(`${where}.flags: only i, m, s, u, y are allowed (got ${flags})`);
      try {
        return { re: new RegExp(r.pattern, `g${flags}`), token };
      } catch (e) {
        throw new MaskingConfigError(`${where}.pattern: not a valid regular expression: ${(e as Error).message}`);
      }
    });
    this.#ignored = new Set(opts.ignoredFields ?? []);
    this.#stripHeader = opts.stripHeader ?? true;
    // The fast path may only answer when every built-in it stands for is on and writes one token.
    const quickKinds: BuiltinMask[] = [
      'datetime',
      'ip',
      'hostPort',
      'domain',
      'uuid',
      'hex',
      'number',
      'duration',
      'digits',
    ];
    const first = tok.datetime;
    this.#quickToken = first ?? PARAM;
    this.#quickOk = first !== null && quickKinds.every((k) => tok[k] === first);
    const delims = (opts.extraDelimiters ?? []).filter((d) => d.length > 0);
    this.#delims = delims.length === 0 ? null : new RegExp(delims.map(escapeRegExp).join('|'), 'g');
  }

  /** Whether `tok` (an internal token) is one of this masker's mask tokens. */
  isMask(tok: string): boolean {
    return tok.charCodeAt(0) === C_LT && this.#maskTokens.has(tok);
  }

  /** Whether a token is or contains a mask token (`<*>`, `blk_<*>`, `(<IP>)`). */
  holdsMask(s: string): boolean {
    if (s.indexOf('<') < 0) return false;
    for (const m of this.#maskTokens) if (s.indexOf(m) >= 0) return true;
    return false;
  }

  /** The masked tokens of one line. */
  tokens(line: string): string[] {
    let s = line;
    for (const r of this.#rules) s = s.replace(r.re, r.token);
    const dt = this.#tok.datetime;
    let out = this.#scan(this.#delims === null ? s : s.replace(this.#delims, ' '), dt !== null);
    if (out === null) {
      // A month name was seen: dates spelled with words span several tokens, so they are masked on
      // the line, then the line is scanned again. Most lines have no month name and skip the regex.
      s = s.replace(TEXT_DATE_RE, dt!);
      out = this.#scan(this.#delims === null ? s : s.replace(this.#delims, ' '), false)!;
    }
    if (this.#tok.duration !== null && out.length > 1) this.#quantities(out);
    if (this.#stripHeader && out.length > 2) {
      const h = headerLength(out, this.#flags);
      if (h > 0) {
        out.splice(0, h);
        this.#flags.copyWithin(0, h, h + out.length);
      }
    }
    return out;
  }

  /** Splits and masks; `null` when `watchMonths` and a month name was seen (the caller re-scans). */
  #scan(s: string, watchMonths: boolean): string[] | null {
    let flags = this.#flags;
    let nt = 0;
    const out: string[] = [];
    const n = s.length;
    let i = 0;
    while (i < n) {
      let c = s.charCodeAt(i);
      if (c <= C_SPACE || c === 0xa0) {
        i++;
        continue;
      }
      const start = i;
      // Flags collected in the same pass that finds the token's end.
      let digit = false;
      let special = false; // '/', '@', '=', '\', '<' (and ':' after the fast path)
      let colon = false;
      let dots = 0;
      while (i < n) {
        c = s.charCodeAt(i);
        if (c > 64) {
          // Letters and most punctuation; the rare specials above 64 are '\' and no-break space.
          if (c === C_BACKSLASH) special = true;
          else if (c === 0xa0) break;
        } else if (c <= C_SPACE) {
          if (c === C_SPACE || (c >= C_TAB && c <= 13)) break;
        } else if (c >= C_0 && c <= C_9) digit = true;
        else if (c === C_DOT) dots++;
        else if (c === C_COLON) colon = true;
        else if (c === C_SLASH || c === C_AT || c === C_EQ || c === C_LT) special = true;
        i++;
      }
      if (digit && !special && this.#quickOk) {
        // Most variables are plain numbers, times, addresses and ids: recognise them from the
        // characters, without cutting the token out or running a regex.
        const q = this.#quick(s, start, i);
        if (q !== null) {
          if (nt === flags.length) {
            flags = new Uint8Array(flags.length * 2);
            flags.set(this.#flags);
            this.#flags = flags;
          }
          flags[nt++] = 1;
          out.push(q);
          continue;
        }
      }
      if (colon) special = true;
      const plain = !(digit || special || dots >= 2);
      const raw = s.slice(start, i);
      let tok: string | null = raw;
      let variable = 0;
      if (!plain) {
        if (watchMonths && digit && special && SLASH_MONTH_RE.test(raw)) return null;
        tok = this.maskToken(raw, digit);
        if (tok === null) continue;
        variable = tok !== raw || (special && this.holdsMask(raw)) ? 1 : 0;
      } else if (
        watchMonths &&
        i - start >= 3 &&
        i - start <= 9 &&
        MONTH_INITIAL.has(s.charCodeAt(start)) &&
        MONTHS.has(raw)
      ) {
        return null;
      }
      if (nt === flags.length) {
        flags = new Uint8Array(flags.length * 2);
        flags.set(this.#flags);
        this.#flags = flags;
      }
      flags[nt++] = variable;
      out.push(tok);
    }
    return out;
  }

  /**
   * Quantities written over several tokens, after a masked number (in place, flags kept in step):
   *  - a time unit written apart is part of the value, as it is when written together (`12ms` is
   *    one `<*>`): `took 12 ms` → `took <*>`, `lifetime <1 sec` → `lifetime <*>`, so a duration
   *    printed as `00:01` or as `<1 sec` at the same place gives one pattern;
   *  - a parenthesised quantity right after a quantity is the same value in other units and is
   *    dropped: `403 bytes (0.39 KB) sent` → `<*> bytes sent`, so lines that print it only above
   *    some size do not split the pattern by token count.
   */
  #quantities(out: string[]): void {
    const flags = this.#flags;
    let w = 1;
    for (let r = 1; r < out.length; r++) {
      const tok = out[r]!;
      const fr = flags[r]!;
      const c0 = tok.charCodeAt(0);
      // Only a literal word or a parenthesised mask can be part of a quantity: skip the rest.
      if (fr === 1 && c0 !== 40) {
        out[w] = tok;
        flags[w] = fr;
        w++;
        continue;
      }
      const prevMask = flags[w - 1] === 1 && endsWithMask(out[w - 1]!);
      if (prevMask && fr === 0 && TIME_UNIT_INITIAL.has(c0)) {
        const b = unitEnd(tok);
        if (b > 0 && TIME_UNITS.has(b === tok.length ? tok : tok.slice(0, b))) {
          out[w - 1] += tok.slice(b);
          continue;
        }
      }
      if (c0 === 40 && fr === 1 && (prevMask || afterUnit(out, flags, w))) {
        // `(<*> KB)` after a quantity, or `(<*>)` after `<*> bytes`: the same value in other units.
        const inner = tok.slice(1);
        const close = inner.indexOf(')');
        if (close > 0 && !prevMask && this.isMask(inner.slice(0, close))) {
          out[w - 1] += inner.slice(close + 1);
          continue;
        }
        if (this.isMask(inner) && r + 1 < out.length && flags[r + 1] === 0) {
          const next = out[r + 1]!;
          const pc = next.indexOf(')');
          if (pc > 0 && isUnitWord(next.slice(0, pc))) {
            out[w - 1] += next.slice(pc + 1);
            r++;
            continue;
          }
        }
      }
      out[w] = tok;
      flags[w] = flags[r]!;
      w++;
    }
    out.length = w;
  }

  /**
   * For the tokens of the last `tokens()` call: 1 where the token is or holds a mask. Valid until the
   * next call; the array may be longer than the token list.
   */
  get variableFlags(): Uint8Array {
    return this.#flags;
  }

  /**
   * Fast path for a token with a digit and none of `/ @ = < \`, in `s[start, end)`: returns the
   * masked token when the token is a number, time, date, IPv4 (with port), UUID, hex id or
   * duration, or `null` to let the general path decide. Only used when those built-ins all write
   * the same token (the default), so which of them matched does not matter.
   */
  #quick(s: string, start: number, end: number): string | null {
    let a = start;
    let b = end;
    while (a < b && isOpenWrap(s.charCodeAt(a))) a++;
    while (b > a && isCloseWrap(s.charCodeAt(b - 1))) b--;
    if (a === b) return null;
    let digits = 0;
    let hexLetters = 0;
    let letters = 0;
    let seps = 0;
    let lastDigit = -1;
    let firstLetter = -1;
    for (let k = a; k < b; k++) {
      const c = s.charCodeAt(k);
      if (c >= C_0 && c <= C_9) {
        digits++;
        lastDigit = k;
      } else if (isHexLetter(c)) {
        hexLetters++;
        if (firstLetter < 0) firstLetter = k;
      } else if (isAlpha(c) || c === 181 /* µ */) {
        letters++;
        if (firstLetter < 0) firstLetter = k;
      } else if (c === C_DOT || c === C_COLON || c === C_MINUS || c === C_UNDERSCORE || c === C_PLUS || c === 44) {
        seps++;
      } else return null;
    }
    if (digits === 0) return null;
    const len = b - a;
    const c0 = s.charCodeAt(a);
    let ok: boolean;
    if (letters === 0 && hexLetters === 0) {
      // Digits and separators only: a number, version, time, date or IPv4[:port].
      ok = true;
    } else if (lastDigit < firstLetter && letters + hexLetters <= 5 && seps <= 1 && isDigit(c0)) {
      // A number with a unit: `12ms`, `1.5s`, `4KB`.
      // `ms` is by far the most common unit: no slice for it.
      ok =
        (b - firstLetter === 2 && s.charCodeAt(firstLetter) === 109 && s.charCodeAt(firstLetter + 1) === 115) ||
        DURATION_UNITS.has(s.slice(firstLetter, b));
    } else if (len > 2 && letters === 1 && seps === 0 && c0 === C_0 && (s.charCodeAt(a + 1) | 32) === 120) {
      ok = true; // 0x1f
    } else if (letters === 0 && seps === 0 && len >= 8) {
      ok = true; // a long hex id with a digit and a letter: 3f2a9c1d
    } else if (len === 36 && letters === 0 && seps === 4) {
      ok =
        s.charCodeAt(a + 8) === C_MINUS &&
        s.charCodeAt(a + 13) === C_MINUS &&
        s.charCodeAt(a + 18) === C_MINUS &&
        s.charCodeAt(a + 23) === C_MINUS;
    } else ok = false;
    if (!ok) return null;
    const tok = this.#quickToken;
    if (a === start && b === end) return tok;
    if (a === start && b === end - 1) {
      const c = s.charCodeAt(b);
      let cached = this.#suffixed.get(c);
      if (cached === undefined) {
        cached = tok + s[b]!;
        this.#suffixed.set(c, cached);
      }
      return cached;
    }
    return s.slice(start, a) + tok + s.slice(b, end);
  }

  /** Masks one raw token; `null` drops it (an ignored field). */
  maskToken(raw: string, hasDigit = true): string | null {
    const eq = raw.indexOf('=');
    if (eq > 0 && !(raw.indexOf('://') > 0 && raw.indexOf('://') < eq)) {
      // key=value: the key stays, the value is classified (or always masked, with the kv built-in).
      const key = raw.slice(0, eq);
      if (this.#ignored.size > 0 && this.#ignored.has(stripOpen(key))) return null;
      const value = raw.slice(eq + 1);
      if (value.length === 0) return raw;
      const kv = this.#tok.kv;
      if (kv !== null && !this.isMask(value)) {
        // Keep the value's closing punctuation: `(code=3)` → `(code=<*>)`.
        let e = value.length;
        while (e > 0 && isCloseWrap(value.charCodeAt(e - 1))) e--;
        if (e === 0) return raw;
        const inner = value.slice(0, e);
        // A nested `a=b=c` or a quoted value keeps its shape; only plain values are masked whole.
        if (inner.indexOf('=') < 0) return `${key}=${kv}${value.slice(e)}`;
      }
      const mv = this.#maskCore(value, true);
      return `${key}=${mv}`;
    }
    return this.#maskCore(raw, hasDigit);
  }

  #maskCore(raw: string, hasDigit: boolean): string {
    if (this.isMask(raw)) return raw;
    // `[::1]:8080`: the brackets belong to the address.
    if (raw.charCodeAt(0) === 91 && this.#tok.ip !== null && hasDigit && IPV6_RE.test(raw)) return this.#tok.ip;
    let a = 0;
    let b = raw.length;
    while (a < b && isOpenWrap(raw.charCodeAt(a))) a++;
    while (b > a && isCloseWrap(raw.charCodeAt(b - 1))) b--;
    if (a === b) return raw;
    const core = a === 0 && b === raw.length ? raw : raw.slice(a, b);
    const m = this.#classify(core, hasDigit);
    if (m === core) return raw;
    return a === 0 && b === raw.length ? m : raw.slice(0, a) + m + raw.slice(b);
  }

  /** Returns the masked form of a token stripped of wrapping punctuation (or `core` itself). */
  #classify(core: string, hasDigit: boolean): string {
    const t = this.#tok;
    const c0 = core.charCodeAt(0);
    if (t.url !== null && core.indexOf('://') > 0 && URL_RE.test(core)) return t.url;
    if (t.email !== null && core.indexOf('@') > 0 && EMAIL_RE.test(core)) return t.email;
    if (hasDigit) {
      if (t.datetime !== null && core.length >= 10 && ISO_DATE_RE.test(core)) return t.datetime;
      if (t.uuid !== null && core.length === 36 && UUID_RE.test(core)) return t.uuid;
      if (t.ip !== null) {
        if (isDigit(c0) && IPV4_RE.test(core)) return t.ip;
        if (countChar(core, C_COLON) >= 2 && IPV6_RE.test(core) && isHexColonAddress(core)) return t.ip;
      }
      if (t.hostPort !== null && core.indexOf(':') > 0 && HOST_PORT_RE.test(core)) return t.hostPort;
      if (t.hex !== null && HEX_PREFIX_RE.test(core)) return t.hex;
      if (t.number !== null && NUMBER_RE.test(core)) return t.number;
      if (t.duration !== null && (isDigit(c0) || c0 === C_MINUS || c0 === C_PLUS) && DURATION_RE.test(core)) {
        return t.duration;
      }
      if (t.hex !== null && core.length >= 8 && isLongHex(core)) return t.hex;
    }
    if (t.path !== null && isPath(core)) return t.path;
    if (t.domain !== null && DOMAIN_RE.test(core)) return t.domain;
    if (hasDigit && t.digits !== null) return this.#maskDigitRuns(core, t.digits, t.hex);
    return core;
  }

  /**
   * Masks each alphanumeric run that holds a digit: runs of hex characters whole, other runs digit by
   * digit (`x86` → `x<*>`). A signed number after punctuation takes its sign along (`blk_-42`).
   * When nothing but masks and punctuation remains, the whole token becomes one mask.
   */
  #maskDigitRuns(core: string, token: string, hexToken: string | null): string {
    let out = '';
    let onlyMasks = true;
    let i = 0;
    const n = core.length;
    while (i < n) {
      const c = core.charCodeAt(i);
      if (!isAlnum(c)) {
        // A '-' right before a digit run, after punctuation or at the start, is a sign.
        if (
          c === C_MINUS &&
          i + 1 < n &&
          isDigit(core.charCodeAt(i + 1)) &&
          (i === 0 || !isAlnum(core.charCodeAt(i - 1)))
        ) {
          i++;
          continue;
        }
        out += core[i];
        if (
          c !== C_DOT &&
          c !== C_COLON &&
          c !== C_MINUS &&
          c !== C_UNDERSCORE &&
          c !== C_SLASH &&
          c !== C_PLUS &&
          c !== 44 &&
          // `<1`, `>100`, `~5`: a bound or an estimate is still just a number.
          c !== C_LT &&
          c !== 62 &&
          c !== 126
        ) {
          onlyMasks = false;
        }
        i++;
        continue;
      }
      let j = i;
      let groups = 0;
      let allHex = true;
      let prevDigit = false;
      while (j < n) {
        const d = core.charCodeAt(j);
        if (!isAlnum(d)) break;
        const dig = isDigit(d);
        if (dig && !prevDigit) groups++;
        else if (!dig && !isHexLetter(d)) allHex = false;
        prevDigit = dig;
        j++;
      }
      if (groups === 0) {
        out += core.slice(i, j);
        onlyMasks = false;
      } else if (allHex) {
        out += hexToken ?? token;
      } else if (groups >= 2) {
        // Letters and digits interleaved more than once (`jA9J1UvC004306`): a generated id.
        out += token;
      } else {
        // Mixed run such as `x86` or `e01ab`: keep letters, mask each digit group.
        let k = i;
        while (k < j) {
          const d = core.charCodeAt(k);
          if (isDigit(d)) {
            while (k < j && isDigit(core.charCodeAt(k))) k++;
            out += token;
          } else {
            out += core[k];
            onlyMasks = false;
            k++;
          }
        }
      }
      i = j;
    }
    return onlyMasks ? token : out;
  }
}

/** Time units that, written apart after a number, belong to it (see `Masker.#quantities`). */
const TIME_UNITS = new Set(
  'ns us µs ms msec msecs sec secs second seconds min mins minute minutes h hr hrs hour hours day days'.split(' '),
);
/** Size and time units that may follow a number (the `duration` built-in's units, spelled apart). */
const UNIT_WORDS = new Set([...DURATION_UNITS, ...TIME_UNITS, 'kB']);

/** Whether the tokens before `w` are a masked number and a unit word (`<*> bytes`). */
function afterUnit(out: readonly string[], flags: Uint8Array, w: number): boolean {
  return w >= 2 && flags[w - 2] === 1 && flags[w - 1] === 0 && endsWithMask(out[w - 2]!) && UNIT_WORDS.has(out[w - 1]!);
}

function isUnitWord(s: string): boolean {
  return UNIT_WORDS.has(s);
}

/** First letters of TIME_UNITS: other words skip the lookup. */
const TIME_UNIT_INITIAL = new Set([...TIME_UNITS].map((u) => u.charCodeAt(0)));

/** `sec,` → 3: the end of the word before closing punctuation; 0 when it is not a short word. */
function unitEnd(tok: string): number {
  let b = tok.length;
  while (b > 0 && isCloseWrap(tok.charCodeAt(b - 1))) b--;
  return b > 7 ? 0 : b;
}

/** Whether a token ends in a mask (`<*>`, `(<*>`, `<IP>`) with nothing after it. */
function endsWithMask(tok: string): boolean {
  return tok.charCodeAt(tok.length - 1) === 62 && tok.lastIndexOf('<') >= 0;
}

function stripOpen(key: string): string {
  let a = 0;
  while (a < key.length && (isOpenWrap(key.charCodeAt(a)) || key.charCodeAt(a) === 44)) a++;
  return a === 0 ? key : key.slice(a);
}

function countChar(s: string, code: number): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === code) k++;
  return k;
}

/** Rejects `12:30:45`-like times that the IPv6 pattern would also accept: they need a hex letter or `::`. */
function isHexColonAddress(s: string): boolean {
  if (s.indexOf('::') >= 0) return true;
  for (let i = 0; i < s.length; i++) if (isHexLetter(s.charCodeAt(i))) return true;
  // Eight all-decimal groups is still an address; a time has three.
  return countChar(s, C_COLON) >= 5;
}

/** A run of 8+ hex characters holding both a digit and a letter, or 16+ digits-and-hex. */
function isLongHex(s: string): boolean {
  let letters = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (isHexLetter(c)) letters++;
    else return false;
  }
  return digits > 0 && letters > 0;
}

/** An absolute or relative file path with at least two segments, POSIX or Windows. */
function isPath(s: string): boolean {
  const c0 = s.charCodeAt(0);
  if (c0 === C_SLASH) {
    if (s.length < 2) return false;
    // `/` alone or `//` is punctuation; `/a` counts (HDFS: `/10.0.0.1`, `/user`).
    return (
      s.indexOf('/', 1) > 0 || isAlnum(s.charCodeAt(1)) || s.charCodeAt(1) === C_UNDERSCORE || s.charCodeAt(1) === C_DOT
    );
  }
  if (c0 === C_DOT || c0 === 126 /* ~ */) {
    const sl = s.indexOf('/');
    return sl > 0 && sl <= 2 && s.length > sl + 1;
  }
  if (isAlpha(c0) && s.length > 3 && s.charCodeAt(1) === C_COLON && s.charCodeAt(2) === C_BACKSLASH) return true;
  return false;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
