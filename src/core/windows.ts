import type { Window } from './window.js';

/** Largest multiple of `align` that is ≤ t (UTC epoch ms: no time zones, no DST). */
export function floorTo(t: number, align: number): number {
  if (align <= 0) throw new Error(`align must be positive (got ${align})`);
  return Math.floor(t / align) * align;
}

export function ceilTo(t: number, align: number): number {
  return Math.ceil(t / align) * align;
}

/** End of the newest runnable window: floor(now − delay, align). */
export function upperBound(now: number, delay: number, align: number): number {
  return floorTo(now - delay, align);
}

/** Aligned windows covering [from, to): from is floored, to is ceiled. */
export function* iterateWindows(from: number, to: number, align: number): Generator<Window> {
  for (let t = floorTo(from, align); t < to; t += align) yield { from: t, to: t + align };
}

export function windowContains(w: Window, t: number): boolean {
  return t >= w.from && t < w.to;
}

export function isAligned(w: Window, align: number): boolean {
  return w.from % align === 0 && w.to - w.from === align;
}

export function windowLabel(w: Window): { from: string; to: string } {
  return { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() };
}
