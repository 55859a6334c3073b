/**
 * Finds the header of a whole log line (timestamp, host, level, thread, logger) so that only the message
 * is mined. Without this, the header's constant tokens (`INFO`, `RAS KERNEL`) make every pair of lines of
 * one length look similar, and Drain merges unrelated short messages.
 *
 * Works on masked tokens, so timestamps are already masks. A header is recognised only when the line
 * starts with a token that is all mask (a timestamp or counter, maybe in brackets) and then either:
 *  - has a level word within its first 12 tokens (`INFO`, `Info`, `[error]`, `<warn>`, or Android's single
 *    letter `D` right before a `Tag:`); the level, then an optional `[thread]`, `-` and a `logger:`
 *    are the header; or
 *  - has a syslog-style `program[pid]:` token within its first 7 tokens, or `program:` right after
 *    the timestamp and a host name.
 * A message that starts with words, which is what most log bodies look like, is never cut.
 */

const LEVELS = new Set([
  'trace',
  'debug',
  'info',
  'notice',
  'warn',
  'warning',
  'error',
  'err',
  'crit',
  'critical',
  'alert',
  'emerg',
  'fatal',
  'severe',
  'panic',
]);
const SHORT_LEVELS = new Set(['V', 'D', 'I', 'W', 'E', 'F', 'A']);

const LEVEL_WINDOW = 12;
const SYSLOG_WINDOW = 7;

function isPunct(tok: string): boolean {
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127) return false;
  }
  return true;
}

/** Bare level words as they appear in headers: upper case or title case (`INFO`, `Info`). */
const BARE_LEVELS = new Set([...LEVELS].flatMap((w) => [w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)]));

/** `INFO`, `Info`, `[notice]`, `<warn>`: a level word, bare in upper or title case, or bracketed in any case. */
function levelWord(tok: string): boolean {
  const len = tok.length;
  if (len < 3 || len > 10) return false;
  if (BARE_LEVELS.has(tok)) return true;
  const open = tok.charCodeAt(0);
  const close = tok.charCodeAt(len - 1);
  const bracketed = (open === 91 && close === 93) || (open === 60 && close === 62);
  // Bare words must not read as prose (`error`, `critical`), so lower case counts only in brackets.
  return bracketed && LEVELS.has(tok.slice(1, -1).toLowerCase());
}

function hasLowerCase(tok: string): boolean {
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** A timestamp or counter: a mask token, possibly wrapped in brackets (`[<*>]`, `<*>,`). */
function pureMask(tok: string): boolean {
  let a = 0;
  let b = tok.length;
  while (a < b && (tok.charCodeAt(a) === 91 || tok.charCodeAt(a) === 40)) a++;
  while (b > a && ',:])'.includes(tok[b - 1]!)) b--;
  return MASK_RE.test(a === 0 && b === tok.length ? tok : tok.slice(a, b));
}

const MASK_RE = /^<(?:\*|[A-Z][A-Z0-9_]*)>$/;
const HOST_RE = /^[\w.<>*-]+$/;

/** `sshd[812]:`, `kernel:`, `crond(pam_unix)[<*>]:` — a program name with optional pid, then a colon. */
function programToken(tok: string): boolean {
  if (tok.length < 3 || tok.charCodeAt(tok.length - 1) !== 58) return false;
  const c0 = tok.charCodeAt(0);
  return (c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122);
}

/** Number of leading tokens that form a header (0 when none is recognised). */
export function headerLength(tokens: readonly string[], vars: Uint8Array): number {
  const n = tokens.length;
  let i0 = 0;
  while (i0 < n && isPunct(tokens[i0]!) && vars[i0] !== 1) i0++;
  if (i0 >= n || vars[i0] !== 1) return 0;

  const lim = Math.min(n - 1, i0 + LEVEL_WINDOW);
  for (let j = i0 + 1; j < lim; j++) {
    const t = tokens[j]!;
    const short = t.length === 1 && SHORT_LEVELS.has(t) && programToken(tokens[j + 1]!);
    if (!short && !levelWord(t)) {
      // Only header-like tokens may precede the level: masks, punctuation, upper-case codes (`RAS KERNEL`).
      if (vars[j] === 1 || !hasLowerCase(t)) continue;
      break;
    }
    let end = j + 1;
    // After the level: `[thread]` (possibly several tokens), `-`, and a `logger:` — in that order.
    for (let guard = 0; guard < 4 && end < n - 1; guard++) {
      const t2 = tokens[end]!;
      if (t2 === '-' || t2 === ':' || t2 === '|') {
        end++;
        continue;
      }
      if (t2.charCodeAt(0) === 91) {
        let k = end;
        while (k < n - 1 && k < end + 8 && tokens[k]!.charCodeAt(tokens[k]!.length - 1) !== 93) k++;
        if (tokens[k]!.charCodeAt(tokens[k]!.length - 1) !== 93) break;
        end = k + 1;
        continue;
      }
      // `logger [context]` (Python's oslo format): a dotted or masked name right before a bracket group.
      if (end + 1 < n - 1 && tokens[end + 1]!.charCodeAt(0) === 91 && (vars[end] === 1 || t2.indexOf('.') > 0)) {
        end++;
        continue;
      }
      // A logger looks like a class or tag (`dfs.DataNode$PacketResponder:`, `WindowManager:`), not a word (`panic:`).
      if (t2.length > 1 && t2.charCodeAt(t2.length - 1) === 58 && (short || vars[end] === 1 || /[.$A-Z]/.test(t2)))
        end++;
      break;
    }
    return end < n ? end : 0;
  }

  // `program[pid]:` may follow a few header tokens; a bare `program:` only the timestamp and a host.
  // Both only after a token that is all mask: prose can start with `blk_<*>` but hardly with `<*>`.
  if (!pureMask(tokens[i0]!)) return 0;
  const lim2 = Math.min(n - 1, i0 + SYSLOG_WINDOW);
  for (let j = i0 + 1; j < lim2; j++) {
    const t = tokens[j]!;
    if (!programToken(t)) continue;
    if (t.charCodeAt(t.length - 2) === 93 || (j === i0 + 2 && HOST_RE.test(tokens[i0 + 1]!))) return j + 1;
  }
  return 0;
}
