import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Clock } from '../../core/clock.js';
import type { Dataset, TelemetryRecord } from '../../core/records.js';
import type { RejectStats } from '../../core/reject-stats.js';
import type { Tenant } from '../../core/tenant.js';
import type { Window } from '../../core/window.js';
import { linesOf, maybeGunzip } from '../io/lines.js';
import type { SourceLogger } from '../logger.js';
import { parseJsonKeepingBigInts } from '../normalize/json-bigint.js';
import { logFromOoRow, metricFromOoRow, spanFromOoRow } from '../normalize/oo-rows.js';
import { logsFromOtlp, metricsFromOtlp, spansFromOtlp } from '../normalize/otlp.js';
import { recordFromJson } from '../normalize/record-json.js';
import { isPlainObject } from '../normalize/values.js';
import type { Source, SourceLocation } from '../source.js';
import { DEFAULT_PATTERNS, type FileConfig } from './config.js';
import { globToRegExp } from './glob.js';

export interface FileDeps {
  clock?: Clock;
  logger?: SourceLogger;
}

const OTLP_KEY: Record<Dataset, string> = { traces: 'resourceSpans', logs: 'resourceLogs', metrics: 'resourceMetrics' };
const KIND_OF: Record<Dataset, TelemetryRecord['kind']> = { traces: 'span', logs: 'log', metrics: 'metric' };

/** Which dataset a flat OO-style row belongs to, judged by its columns. */
function datasetOfRow(row: Record<string, unknown>): Dataset {
  if ('span_id' in row && 'trace_id' in row && ('operation_name' in row || 'start_time' in row)) return 'traces';
  if ('__name__' in row && 'value' in row) return 'metrics';
  return 'logs';
}

/** What a file is known to hold, to skip it for windows it cannot touch (until it changes). */
interface FileRange {
  mtimeMs: number;
  size: number;
  min: number;
  max: number;
}

/**
 * Telemetry from files in a folder: OTLP/JSON lines as the OpenTelemetry Collector's file exporter
 * writes them (resourceSpans/resourceLogs/resourceMetrics), NDJSON of this project's records, or
 * OO-style flat rows (e.g. an export from OO). `.gz` files are decompressed on the fly. Files are
 * streamed line by line; a file whose time range (learned on the first full read) misses the
 * window is skipped until it changes.
 */
export class FileSource implements Source {
  readonly kind = 'file';
  readonly #c: FileConfig;
  readonly #root: string;
  readonly #ranges = new Map<string, FileRange>();
  /** Files opened so far (tests check that skipping works). */
  filesRead = 0;

  constructor(config: FileConfig, _deps: FileDeps = {}) {
    this.#c = config;
    this.#root = resolve(config.path);
  }

  location(_tenant: Tenant, dataset: Dataset): SourceLocation {
    return { bucket: this.#root, objectKey: (this.#c.files[dataset] ?? DEFAULT_PATTERNS).join(',') };
  }

  async *stream(
    _tenant: Tenant,
    dataset: Dataset,
    w: Window,
    stats: RejectStats,
    signal?: AbortSignal,
  ): AsyncIterable<TelemetryRecord> {
    const dedicated = this.#c.files[dataset] !== undefined;
    for (const file of await this.#files(dataset)) {
      signal?.throwIfAborted();
      const info = await stat(file);
      const key = `${dataset}:${file}`;
      const known = this.#ranges.get(key);
      if (
        known &&
        known.mtimeMs === info.mtimeMs &&
        known.size === info.size &&
        (known.max < w.from || known.min >= w.to)
      )
        continue;
      this.filesRead++;
      let min = Infinity;
      let max = -Infinity;
      for await (const r of this.#records(file, dataset, dedicated, stats)) {
        const t = r.kind === 'span' ? r.start : r.ts;
        if (t < min) min = t;
        if (t > max) max = t;
        if (t >= w.from && t < w.to) yield r;
      }
      this.#ranges.set(key, { mtimeMs: info.mtimeMs, size: info.size, min, max });
    }
  }

  async #files(dataset: Dataset): Promise<string[]> {
    const res = (this.#c.files[dataset] ?? DEFAULT_PATTERNS).map(globToRegExp);
    const entries = await readdir(this.#root, { recursive: true, withFileTypes: true });
    const out: string[] = [];
    for (const e of entries) {
      if (!e.isFile()) continue;
      // Node 20 names the directory `path` (later versions `parentPath`).
      const dir =
        (e as unknown as { parentPath?: string; path?: string }).parentPath ?? (e as unknown as { path: string }).path;
      const full = join(dir, e.name);
      const rel = relative(this.#root, full).split(sep).join('/');
      if (res.some((re) => re.test(rel))) out.push(full);
    }
    return out.sort();
  }

  async *#records(
    file: string,
    dataset: Dataset,
    dedicated: boolean,
    stats: RejectStats,
  ): AsyncGenerator<TelemetryRecord> {
    const format = this.#c.format;
    for await (const line of linesOf(maybeGunzip(file, createReadStream(file)))) {
      if (line.trim() === '') continue;
      let o: unknown;
      try {
        o = parseJsonKeepingBigInts(line);
      } catch {
        stats.reject('bad_json');
        continue;
      }
      if (!isPlainObject(o)) {
        stats.reject('not_object');
        continue;
      }
      const otlp = 'resourceSpans' in o || 'resourceLogs' in o || 'resourceMetrics' in o;
      if (format === 'otlp' || (format === 'auto' && otlp)) {
        if (!otlp) {
          stats.reject('not_otlp');
          continue;
        }
        if (!(OTLP_KEY[dataset] in o)) continue;
        if (dataset === 'traces') yield* spansFromOtlp(o, stats);
        else if (dataset === 'logs') yield* logsFromOtlp(o, stats);
        else yield* metricsFromOtlp(o, stats);
        continue;
      }
      if (typeof o['kind'] === 'string' && ['span', 'log', 'metric'].includes(o['kind'])) {
        if (o['kind'] !== KIND_OF[dataset]) continue;
        const r = recordFromJson(o, stats);
        if (r) yield r;
        continue;
      }
      if (!dedicated && datasetOfRow(o) !== dataset) continue;
      const r =
        dataset === 'traces'
          ? spanFromOoRow(o, stats)
          : dataset === 'logs'
            ? logFromOoRow(o, stats)
            : metricFromOoRow(o, stats);
      if (r) yield r;
    }
  }
}

export function createFileSource(config: FileConfig, deps: FileDeps = {}): FileSource {
  return new FileSource(config, deps);
}
