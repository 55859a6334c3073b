import type { Dataset } from '../../core/records.js';

/**
 * Where files live for a time partition, as a key template. Tokens: {org} {stream_type} {dataset}
 * {stream} and the UTC time parts {YYYY} {MM} {DD} {HH} {mi}. The finest time token sets the
 * partition size; a window lists only the partitions it overlaps.
 */
export const LAYOUTS = {
  /** OO's own key layout (reference §7): files/{org}/{stream_type}/{stream}/{YYYY}/{MM}/{DD}/{HH}/[pkey=v/]{id}.parquet */
  openobserve: 'files/{org}/{stream_type}/{stream}/{YYYY}/{MM}/{DD}/{HH}/',
  /** Hive-style partitions (the seed's layout). */
  hive: '{dataset}/yyyy={YYYY}/mm={MM}/dd={DD}/hh={HH}/',
} as const;

const TIME_TOKENS = ['YYYY', 'MM', 'DD', 'HH', 'mi'] as const;
type TimeToken = (typeof TIME_TOKENS)[number];
const NAME_TOKENS = ['org', 'stream_type', 'dataset', 'stream'] as const;
const TOKEN = /\{([A-Za-z_]+)\}/g;

export type Granularity = 'year' | 'month' | 'day' | 'hour' | 'minute';
const GRANULARITY: Record<TimeToken, Granularity> = { YYYY: 'year', MM: 'month', DD: 'day', HH: 'hour', mi: 'minute' };

export interface Layout {
  template: string;
  granularity: Granularity;
  hasStream: boolean;
}

/** Validates a template; returns a problem description instead of throwing (config validation). */
export function parseLayout(input: string): Layout | string {
  const template = input.endsWith('/') ? input : `${input}/`;
  const tokens = [...template.matchAll(TOKEN)].map((m) => m[1]!);
  const unknown = tokens.filter(
    (t) => !(TIME_TOKENS as readonly string[]).includes(t) && !(NAME_TOKENS as readonly string[]).includes(t),
  );
  if (unknown.length > 0)
    return `unknown token(s) ${unknown.map((t) => `{${t}}`).join(', ')} (known: ${[...NAME_TOKENS, ...TIME_TOKENS].map((t) => `{${t}}`).join(' ')})`;
  const times = TIME_TOKENS.filter((t) => tokens.includes(t));
  if (times.length === 0) return 'needs at least one time token, e.g. {YYYY}/{MM}/{DD}/{HH}';
  // Each time part needs all coarser ones, or a partition would not name one time range.
  const finest = times[times.length - 1]!;
  const needed = TIME_TOKENS.slice(0, TIME_TOKENS.indexOf(finest) + 1);
  const missing = needed.filter((t) => !tokens.includes(t));
  if (missing.length > 0) return `{${finest}} also needs ${missing.map((t) => `{${t}}`).join(' ')}`;
  return { template, granularity: GRANULARITY[finest], hasStream: tokens.includes('stream') };
}

export interface LayoutVars {
  org: string;
  dataset: Dataset;
  stream?: string;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The key prefix of the partition starting at `t` (epoch ms, UTC). */
export function renderPartition(layout: Layout, vars: LayoutVars, t: number): string {
  const d = new Date(t);
  return layout.template.replace(TOKEN, (_m, tok: string) => {
    switch (tok) {
      case 'org':
        return vars.org;
      case 'stream_type':
      case 'dataset':
        return vars.dataset;
      case 'stream':
        return vars.stream ?? '';
      case 'YYYY':
        return pad(d.getUTCFullYear(), 4);
      case 'MM':
        return pad(d.getUTCMonth() + 1);
      case 'DD':
        return pad(d.getUTCDate());
      case 'HH':
        return pad(d.getUTCHours());
      default:
        return pad(d.getUTCMinutes());
    }
  });
}

/** The fixed part of the template before {stream}: where stream names can be listed. */
export function streamsPrefix(layout: Layout, vars: Omit<LayoutVars, 'stream'>): string | undefined {
  const i = layout.template.indexOf('{stream}');
  if (i === -1) return undefined;
  return renderPartition({ ...layout, template: layout.template.slice(0, i) }, vars, 0);
}

function floorTo(t: number, g: Granularity): number {
  const d = new Date(t);
  switch (g) {
    case 'year':
      return Date.UTC(d.getUTCFullYear(), 0);
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth());
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'hour':
      return t - (((t % 3_600_000) + 3_600_000) % 3_600_000);
    case 'minute':
      return t - (((t % 60_000) + 60_000) % 60_000);
  }
}

function next(t: number, g: Granularity): number {
  const d = new Date(t);
  switch (g) {
    case 'year':
      return Date.UTC(d.getUTCFullYear() + 1, 0);
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1);
    case 'day':
      return t + 86_400_000;
    case 'hour':
      return t + 3_600_000;
    case 'minute':
      return t + 60_000;
  }
}

/**
 * Starts of the partitions that can hold rows of [from, to): those overlapping the window widened
 * by `slack` (for layouts partitioned by arrival rather than event time).
 */
export function partitionStarts(g: Granularity, from: number, to: number, slack = 0): number[] {
  const out: number[] = [];
  for (let t = floorTo(from - slack, g); t < to + slack; t = next(t, g)) out.push(t);
  return out;
}
