import { S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { Clock } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import type { Dataset, TelemetryRecord } from '../../core/records.js';
import type { RejectStats } from '../../core/reject-stats.js';
import type { Tenant } from '../../core/tenant.js';
import type { Window } from '../../core/window.js';
import { linesOf, maybeGunzip } from '../io/lines.js';
import type { SourceLogger } from '../logger.js';
import { parseJsonKeepingBigInts } from '../normalize/json-bigint.js';
import { recordFromOoRow } from '../normalize/oo-rows.js';
import type { Source, SourceLocation } from '../source.js';
import type { ObjectstoreConfig } from './config.js';
import { FolderStore } from './folder-store.js';
import { partitionStarts, renderPartition, streamsPrefix } from './layout.js';
import { bufferFromBytes, bufferFromRanges, parquetRows } from './parquet-rows.js';
import { S3Store } from './s3-store.js';
import type { ObjectEntry, ObjectStore } from './store.js';

export interface ObjectstoreDeps {
  clock: Clock;
  logger?: SourceLogger;
  env?: Record<string, string | undefined>;
  /** Overrides the store built from config (tests). */
  store?: ObjectStore;
  /** Overrides the S3 client built from config (tests count its requests). */
  s3Client?: S3Client;
}

const NDJSON = /\.(ndjson|jsonl|json)(\.gz)?$/;

/**
 * Reads OO's stored files directly: lists only the time partitions that can overlap the window,
 * reads parquet (row group by row group, pruned by OO's footer range and column statistics) and
 * NDJSON, and normalizes the rows (same column names as search hits) filtered to the window.
 *
 * OO's compactor merges small files of an hour into new keys and deletes the old ones later, so
 * a listing taken mid-compaction can see both; read windows old enough to be compacted, or use
 * the search API for fresh data (reference §7).
 */
export class ObjectstoreSource implements Source {
  readonly kind = 'objectstore';
  readonly store: ObjectStore;
  readonly #c: ObjectstoreConfig;
  readonly #deps: ObjectstoreDeps;
  readonly #warned = new Set<string>();
  /** The S3 client this source built (and so must release); undefined when injected or a folder. */
  readonly #ownClient: S3Client | undefined;

  constructor(config: ObjectstoreConfig, deps: ObjectstoreDeps) {
    this.#c = config;
    this.#deps = deps;
    if (deps.store) {
      this.store = deps.store;
    } else if (config.storage.type === 's3') {
      const client = deps.s3Client ?? s3ClientFor(config.storage, deps.env ?? process.env);
      if (!deps.s3Client) this.#ownClient = client;
      this.store = new S3Store(client, config.storage.bucket);
    } else {
      this.store = new FolderStore(config.storage.path);
    }
  }

  async close(): Promise<void> {
    this.#ownClient?.destroy();
  }

  location(_tenant: Tenant, dataset: Dataset): SourceLocation {
    const streams = this.#c.streams;
    const stream =
      dataset === 'metrics' ? (streams.metrics === 'all' ? '*' : streams.metrics.join(',')) : streams[dataset];
    const t = this.#c.layout.template;
    const head = t.slice(0, t.search(/\{(YYYY|MM|DD|HH|mi)\}/));
    return {
      bucket: this.store.where,
      objectKey:
        this.#c.prefix +
        head
          .replaceAll('{org}', this.#c.org)
          .replaceAll('{stream_type}', dataset)
          .replaceAll('{dataset}', dataset)
          .replaceAll('{stream}', stream),
    };
  }

  async *stream(
    _tenant: Tenant,
    dataset: Dataset,
    w: Window,
    stats: RejectStats,
    signal?: AbortSignal,
  ): AsyncIterable<TelemetryRecord> {
    for (const stream of await this.#streams(dataset)) {
      for (const start of partitionStarts(this.#c.layout.granularity, w.from, w.to, this.#c.partition_slack)) {
        signal?.throwIfAborted();
        const vars = stream === undefined ? { org: this.#c.org, dataset } : { org: this.#c.org, dataset, stream };
        const prefix = this.#c.prefix + renderPartition(this.#c.layout, vars, start);
        const { objects } = await this.store.list(prefix);
        for (const obj of objects) {
          for await (const rows of this.#rows(obj, w, stats)) {
            for (const row of rows) {
              const r = recordFromOoRow(dataset, row, stats, stream, w);
              if (r !== undefined) yield r;
            }
          }
        }
      }
    }
  }

  /** Streams of a dataset; undefined = the layout has no {stream} (every file of the partition). */
  async #streams(dataset: Dataset): Promise<(string | undefined)[]> {
    if (!this.#c.layout.hasStream) return [undefined];
    const s = this.#c.streams;
    if (dataset !== 'metrics') return [s[dataset]];
    if (s.metrics !== 'all') return s.metrics;
    const head = this.#c.prefix + streamsPrefix(this.#c.layout, { org: this.#c.org, dataset })!;
    const { prefixes } = await this.store.list(head, '/');
    return prefixes.map((p) => p.slice(head.length).replace(/\/$/, '')).filter((n) => n.length > 0);
  }

  async *#rows(obj: ObjectEntry, w: Window, stats: RejectStats): AsyncGenerator<unknown[]> {
    if (obj.key.endsWith('.parquet')) {
      const file =
        obj.size <= this.#c.whole_file_max_bytes
          ? bufferFromBytes(await this.store.read(obj.key))
          : bufferFromRanges(obj.size, (s, e) => this.store.readRange(obj.key, s, e));
      yield* parquetRows(file, w.from * 1000, w.to * 1000);
    } else if (NDJSON.test(obj.key)) {
      const body = await this.store.stream(obj.key);
      let batch: unknown[] = [];
      for await (const line of linesOf(maybeGunzip(obj.key, Readable.from(body)))) {
        if (line.trim() === '') continue;
        try {
          batch.push(parseJsonKeepingBigInts(line));
        } catch {
          stats.reject('bad_json');
        }
        if (batch.length >= 1000) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } else {
      const ext = obj.key.slice(obj.key.lastIndexOf('.'));
      if (!this.#warned.has(ext)) {
        this.#warned.add(ext);
        this.#deps.logger?.warn(
          { key: obj.key, where: this.store.where },
          `objectstore: skipping files of type '${ext}' (only parquet and NDJSON are read)`,
        );
      }
    }
  }
}

type S3Storage = Extract<ObjectstoreConfig['storage'], { type: 's3' }>;

function s3ClientFor(s: S3Storage, env: Record<string, string | undefined>): S3Client {
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  if (s.access_key_env !== undefined || s.secret_key_env !== undefined) {
    const accessKeyId = s.access_key_env ? env[s.access_key_env] : undefined;
    const secretAccessKey = s.secret_key_env ? env[s.secret_key_env] : undefined;
    if (!accessKeyId || !secretAccessKey)
      throw new ConfigError(
        `source.storage: access_key_env and secret_key_env must both name set environment variables (${s.access_key_env ?? '?'}, ${s.secret_key_env ?? '?'})`,
      );
    credentials = { accessKeyId, secretAccessKey };
    const token = s.session_token_env ? env[s.session_token_env] : undefined;
    if (token) credentials.sessionToken = token;
  }
  return new S3Client({
    region: s.region,
    ...(s.endpoint !== undefined ? { endpoint: s.endpoint } : {}),
    forcePathStyle: s.force_path_style,
    ...(credentials ? { credentials } : {}),
    // Only reads are made; skipping optional checksums keeps S3-compatible stores happy.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function createObjectstoreSource(config: ObjectstoreConfig, deps: ObjectstoreDeps): ObjectstoreSource {
  return new ObjectstoreSource(config, deps);
}
