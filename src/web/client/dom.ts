/** Small DOM helpers: the page builds its elements in code (no template engine, no innerHTML of data). */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** An element with attributes (`on*` become listeners) and children (text is escaped by the DOM). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** A sparkline of values (oldest first); the newest point is marked. */
export function sparkline(values: readonly number[], width = 120, height = 28): Element {
  const box = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'spark', role: 'img' });
  if (values.length === 0) {
    box.setAttribute('aria-label', 'no successful window yet');
    return box;
  }
  const max = Math.max(...values, 1);
  const step = values.length > 1 ? (width - 4) / (values.length - 1) : 0;
  const pts = values.map((v, i) => [2 + i * step, height - 3 - (v / max) * (height - 6)] as const);
  box.setAttribute('aria-label', `window durations, newest ${fmtMs(values.at(-1) ?? 0)}, max ${fmtMs(max)}`);
  box.append(
    svg('polyline', { points: pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), class: 'spark-line' }),
  );
  const [lx, ly] = pts.at(-1)!;
  box.append(svg('circle', { cx: lx.toFixed(1), cy: ly.toFixed(1), r: 2.5, class: 'spark-dot' }));
  const title = svg('title', {});
  title.textContent = `last ${values.length} windows: ${values.map(fmtMs).join(', ')}`;
  box.append(title);
  return box;
}

export function fmtMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** 75 s → "1m 15s", 5400 s → "1h 30m". */
export function fmtAge(seconds: number | null): string {
  if (seconds === null) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** ISO → "2026-06-10 12:05:00Z" (UTC everywhere on the page: the data's own zone). */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:00Z$/, 'Z');
}

export function fmtNum(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Number(n.toFixed(digits)).toLocaleString('en-US');
}

export function fmtPct(r: number): string {
  return `${(r * 100).toFixed(r === 0 ? 0 : r < 0.01 ? 2 : 1)}%`;
}

/** An `<input type=datetime-local>` value read as UTC, and back. */
export function localInputToMs(v: string): number | null {
  if (!v) return null;
  const t = Date.parse(`${v.length === 16 ? `${v}:00` : v}Z`);
  return Number.isFinite(t) ? t : null;
}

export function msToLocalInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/**
 * A short label of a URN: the service, database or queue name (`orders`, `orders-db/orders` for a
 * database whose name alone says little, e.g. redis `0`).
 */
export function shortUrn(urn: string): string {
  const m = /^urn:([^:]+):(.*)$/.exec(urn);
  if (!m) return urn;
  const [, scheme, rest] = m as unknown as [string, string, string];
  const body = scheme === 'k8s' || scheme === 'db' || scheme === 'mq' ? rest.replace(/^[^:]+:/, '') : rest;
  const parts = body.split('/');
  const last = parts.at(-1) ?? body;
  if ((scheme === 'db' || scheme === 'mq') && parts.length > 1 && last.length <= 2) {
    return `${(parts[0] ?? '').split('.')[0]}/${last}`;
  }
  return last || urn;
}

export function badge(text: string, kind: string): HTMLElement {
  return h('span', { class: `badge badge-${kind}` }, text);
}

/** Copies text to the clipboard; falls back to selecting a textarea where the API is refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h('textarea', { class: 'offscreen' }, text);
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}
