/**
 * Event lifecycle per (rule, group key), derived only from the previous evaluation's state row and
 * this evaluation's result, so a window run again computes the same rows:
 *
 *   quiet ──fires──▶ pending (until `for` evaluations in a row) ──▶ open ──quiet `resolve_after` in a
 *   row──▶ resolved ──fires again within `reopen_within` evaluations──▶ open (same event, flaps + 1)
 *
 * While open, each firing evaluation updates the same event (last_seen, value, peak, windows); an
 * evaluation that does not fire only counts towards resolution. Reopening the resolved event instead
 * of opening a new one, together with `for` and `resolve_after`, damps flapping.
 */
import { createHash } from 'node:crypto';
import type { Rule } from './config.js';
import type { GroupEval } from './evaluate.js';

export type Phase = 'pending' | 'open' | 'resolved';

/** One rule_state row. */
export interface KeyState {
  ruleId: string;
  key: string;
  windowFrom: number;
  phase: Phase;
  firing: boolean;
  value: number | null;
  fireStreak: number;
  clearStreak: number;
  windows: number;
  flaps: number;
  peak: number | null;
  eventId: string | null;
  openedWindow: number | null;
}

export type EventAction = 'open' | 'update' | 'reopen' | 'resolve' | 'hold';

/** What the window does to an event. */
export interface EventChange {
  action: EventAction;
  state: KeyState;
  /** The firing group (open / update / reopen), or the last known fields (resolve / hold). */
  group: GroupEval | undefined;
}

/** md5(rule id, group key): the event's fingerprint, the same for every event of the key. */
export function fingerprintOf(ruleId: string, key: string): string {
  return createHash('md5').update(`${ruleId}\u0000${key}`).digest('hex');
}

/** A UUID derived from tenant, fingerprint and the opening window: re-running that window gives the same id. */
export function eventIdOf(tenantId: number, fingerprint: string, openedWindow: number): string {
  const h = createHash('md5').update(`${tenantId}\u0000${fingerprint}\u0000${openedWindow}`).digest('hex');
  // Shaped as a version-4-like UUID (variant bits set) so it is a valid uuid value.
  const v = `${h.slice(0, 12)}4${h.slice(13, 16)}${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 32)}`;
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20, 32)}`;
}

/**
 * Next states for one evaluated rule. `prev` holds the latest state row per key before this window
 * (any age); `windowFrom` is this rules window's start. Keys with neither a firing group nor a live
 * state produce nothing.
 */
export function advance(
  rule: Rule,
  tenantId: number,
  windowFrom: number,
  groups: ReadonlyMap<string, GroupEval>,
  prev: ReadonlyMap<string, KeyState>,
): EventChange[] {
  const { for: need, resolveAfter, reopenWithin } = rule.lifecycle;
  const out: EventChange[] = [];
  const keys = new Set<string>();
  for (const [k, g] of groups) if (g.firing) keys.add(k);
  for (const [k, s] of prev) if (s.phase !== 'resolved' || withinReopen(s)) keys.add(k);

  function withinReopen(s: KeyState): boolean {
    return s.phase === 'resolved' && windowFrom - s.windowFrom <= reopenWithin * rule.every && reopenWithin > 0;
  }

  for (const key of [...keys].sort()) {
    const g = groups.get(key);
    const firing = g?.firing === true;
    const value = g?.value ?? null;
    const p = prev.get(key);
    const base = { ruleId: rule.id, key, windowFrom, firing, value };
    // A pending streak only continues from the evaluation right before this one.
    const pending = p?.phase === 'pending' && windowFrom - p.windowFrom === rule.every ? p : undefined;
    if (p?.phase === 'open') {
      if (firing) {
        out.push({
          action: 'update',
          group: g,
          state: {
            ...base,
            phase: 'open',
            fireStreak: p.fireStreak + 1,
            clearStreak: 0,
            windows: p.windows + 1,
            flaps: p.flaps,
            peak: maxOf(p.peak, value),
            eventId: p.eventId,
            openedWindow: p.openedWindow,
          },
        });
      } else {
        const clear = p.clearStreak + 1;
        out.push({
          action: clear >= resolveAfter ? 'resolve' : 'hold',
          group: g,
          state: {
            ...base,
            phase: clear >= resolveAfter ? 'resolved' : 'open',
            fireStreak: 0,
            clearStreak: clear,
            windows: p.windows,
            flaps: p.flaps,
            peak: p.peak,
            eventId: p.eventId,
            openedWindow: p.openedWindow,
          },
        });
      }
      continue;
    }
    if (!firing) continue;
    if (p && withinReopen(p) && p.eventId !== null) {
      out.push({
        action: 'reopen',
        group: g,
        state: {
          ...base,
          phase: 'open',
          fireStreak: 1,
          clearStreak: 0,
          windows: p.windows + 1,
          flaps: p.flaps + 1,
          peak: maxOf(p.peak, value),
          eventId: p.eventId,
          openedWindow: p.openedWindow,
        },
      });
      continue;
    }
    const streak = (pending?.fireStreak ?? 0) + 1;
    if (streak < need) {
      out.push({
        action: 'hold',
        group: g,
        state: {
          ...base,
          phase: 'pending',
          fireStreak: streak,
          clearStreak: 0,
          windows: 0,
          flaps: 0,
          peak: value,
          eventId: null,
          openedWindow: null,
        },
      });
      continue;
    }
    const eventId = eventIdOf(tenantId, fingerprintOf(rule.id, key), windowFrom);
    out.push({
      action: 'open',
      group: g,
      state: {
        ...base,
        phase: 'open',
        fireStreak: streak,
        clearStreak: 0,
        windows: 1,
        flaps: 0,
        peak: value,
        eventId,
        openedWindow: windowFrom,
      },
    });
  }
  return out;
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
