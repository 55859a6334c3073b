import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import S3rver from 's3rver';
import { ManualClock } from '../../../src/core/clock.js';
import type { Dataset, TelemetryRecord } from '../../../src/core/records.js';
import { RejectStats } from '../../../src/core/reject-stats.js';
import type { Tenant } from '../../../src/core/tenant.js';
import type { Window } from '../../../src/core/window.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';
import { objectstoreConfigSchema } from '../../../src/sources/objectstore/config.js';
import { FolderStore } from '../../../src/sources/objectstore/folder-store.js';
import { ObjectstoreSource } from '../../../src/sources/objectstore/objectstore-source.js';
import type { ObjectStore } from '../../../src/sources/objectstore/store.js';
import { bufferFromBytes, parquetRows } from '../../../src/sources/objectstore/parquet-rows.js';
import { logToOoRow, metricToOoRow, type OoRow, spanToOoRow } from '../../helpers/oo-standin/index.js';
import { canonRow, ndjson, ooParquet, writeTree } from '../../helpers/oo-standin/files.js';

const tenant: Tenant = { id: 1, code: 'acme', name: 'Acme' };
const H = 3_600_000;
const DAY = Date.UTC(2024, 5, 10);
const HOURS = [10, 11, 12, 13];
const W: Window = { from: DAY + 11.5 * H, to: DAY + 12 * H + 10 * 60_000 };
const pad = (n: number): string => String(n).padStart(2, '0');
const ooKey = (type: Dataset, stream: string, hour: number, id: string): string =>
  `files/acme/${type}/${stream}/2024/06/10/${pad(hour)}/${id}`;
const hiveKey = (type: Dataset, hour: number, id: string): string =>
  `${type}/yyyy=2024/mm=06/dd=10/hh=${pad(hour)}/${id}`;

/** JSON with keys sorted at every level: attribute order differs between sources, content must not. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null)
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
const recordKey = (r: TelemetryRecord): string => canonical(r);

async function collect(
  src: { stream: MockSource['stream'] },
  dataset: Dataset,
  w: Window,
  stats = new RejectStats(),
): Promise<TelemetryRecord[]> {
  const out: TelemetryRecord[] = [];
  for await (const r of src.stream(tenant, dataset, w, stats)) out.push(r);
  return out;
}
const sorted = (rs: TelemetryRecord[]): string[] => rs.map(recordKey).sort();

describe('objectstore source', () => {
  let tmp: string;
  let s3: S3rver;
  let endpoint: string;
  const files = new Map<string, Uint8Array>();
  const expected = new Map<Dataset, TelemetryRecord[]>();
  const everything = new Map<Dataset, TelemetryRecord[]>();
  const counts = new Map<string, number>();
  let client: S3Client;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'ob-objectstore-'));
    const mock = new MockSource(
      mockConfigSchema.parse({ kind: 'mock', seed: 11, per_minute: { logs: 8, metrics: 4, spans: 20 } }),
    );
    for (const dataset of ['traces', 'logs', 'metrics'] as const) {
      const inWindow: TelemetryRecord[] = [];
      for (const hour of HOURS) {
        const recs = await collect(mock, dataset, { from: DAY + hour * H, to: DAY + (hour + 1) * H });
        everything.set(dataset, [...(everything.get(dataset) ?? []), ...recs]);
        for (const r of recs) {
          const t = r.kind === 'span' ? r.start : r.ts;
          if (t >= W.from && t < W.to) inWindow.push(r);
        }
        const rows = recs.map((r) =>
          r.kind === 'span' ? spanToOoRow(r) : r.kind === 'log' ? logToOoRow(r) : metricToOoRow(r),
        );
        const byStream = new Map<string, OoRow[]>();
        for (const row of rows) {
          const stream = dataset === 'metrics' ? String(row['__name__']) : 'default';
          byStream.set(stream, [...(byStream.get(stream) ?? []), row]);
        }
        for (const [stream, rs] of byStream) {
          // two parquet files per hour (as before compaction), plus an NDJSON file in hour 12
          const third = Math.floor(rs.length / 3);
          files.set(
            ooKey(dataset, stream, hour, `7201${hour}001a1b2.parquet`),
            ooParquet(rs.slice(0, third), { codec: 'GZIP' }),
          );
          if (hour === 12) {
            files.set(
              ooKey(dataset, stream, hour, `7201${hour}002c3d4.parquet`),
              ooParquet(rs.slice(third, 2 * third)),
            );
            files.set(ooKey(dataset, stream, hour, `7201${hour}003e5f6.json`), ndjson(rs.slice(2 * third)));
          } else {
            files.set(
              ooKey(dataset, stream, hour, `7201${hour}002c3d4.parquet`),
              ooParquet(rs.slice(third), { rowGroupSize: 100 }),
            );
          }
          files.set(hiveKey(dataset, hour, `${stream}-${hour}.ndjson.gz`), ndjson(rs, true));
        }
      }
      expected.set(dataset, inWindow);
    }
    await writeTree(join(tmp, 'bucket'), files);
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      directory: join(tmp, 's3'),
      silent: true,
      configureBuckets: [{ name: 'oo-data' }],
    });
    const addr = await s3.run();
    endpoint = `http://127.0.0.1:${addr.port}`;
    client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    for (const [key, body] of files)
      await client.send(new PutObjectCommand({ Bucket: 'oo-data', Key: `prod/${key}`, Body: body }));
    client.middlewareStack.add(
      (next, context) => async (args) => {
        counts.set(context.commandName ?? '?', (counts.get(context.commandName ?? '?') ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
  });

  after(async () => {
    client?.destroy();
    await s3?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  const folderSource = (over: Record<string, unknown> = {}): ObjectstoreSource =>
    new ObjectstoreSource(
      objectstoreConfigSchema.parse({
        kind: 'objectstore',
        org: 'acme',
        storage: { type: 'folder', path: join(tmp, 'bucket') },
        ...over,
      }),
      {
        clock: new ManualClock(0),
      },
    );
  const s3Source = (over: Record<string, unknown> = {}): ObjectstoreSource =>
    new ObjectstoreSource(
      objectstoreConfigSchema.parse({
        kind: 'objectstore',
        org: 'acme',
        prefix: 'prod/',
        storage: {
          type: 's3',
          bucket: 'oo-data',
          endpoint,
          force_path_style: true,
          access_key_env: 'K',
          secret_key_env: 'S',
        },
        ...over,
      }),
      { clock: new ManualClock(0), env: { K: 'S3RVER', S: 'S3RVER' }, s3Client: client },
    );

  it('parquet written by a real parquet writer reads back identically', async () => {
    const rows = (expected.get('traces') as Parameters<typeof spanToOoRow>[0][]).slice(0, 300).map(spanToOoRow);
    rows[5]!['extra_flag'] = true;
    rows[7]!['ratio'] = 0.25;
    for (const codec of ['SNAPPY', 'GZIP', 'UNCOMPRESSED'] as const) {
      const bytes = ooParquet(rows, { codec, rowGroupSize: 64 });
      const back: Record<string, unknown>[] = [];
      for await (const batch of parquetRows(bufferFromBytes(bytes), 0, Number.MAX_SAFE_INTEGER)) back.push(...batch);
      assert.equal(back.length, rows.length);
      assert.deepStrictEqual(back.map(canonRow), rows.map(canonRow));
      assert.equal(typeof back[0]!['start_time'], 'bigint');
      assert.equal(back[0]!['start_time'], rows[0]!['start_time']);
    }
  });

  it('folder: lists and reads only the partitions the window overlaps', async () => {
    for (const dataset of ['traces', 'logs'] as const) {
      const src = folderSource();
      const got = await collect(src, dataset, W);
      assert.ok(got.length > 250);
      assert.deepStrictEqual(sorted(got), sorted(expected.get(dataset)!));
      assert.equal(src.store.requests.list, 2, 'hours 11 and 12 only');
      assert.equal(src.store.requests.get, 2 + 3, 'two files in hour 11, three in hour 12');
    }
  });

  it('S3: the same records as the folder, with only the overlapping partitions listed and read', async () => {
    const metricNames = [...new Set(expected.get('metrics')!.map((r) => (r.kind === 'metric' ? r.name : '')))].sort();
    for (const dataset of ['traces', 'logs', 'metrics'] as const) {
      counts.clear();
      // s3rver cannot list common prefixes more than one level up from the objects, so metric
      // streams are named here; discovery by delimiter listing is covered on the folder below.
      const got = await collect(s3Source({ streams: { metrics: metricNames } }), dataset, W);
      const fromFolder = await collect(folderSource(), dataset, W);
      assert.deepStrictEqual(sorted(got), sorted(fromFolder));
      assert.deepStrictEqual(sorted(got), sorted(expected.get(dataset)!));
      const streams = dataset === 'metrics' ? metricNames.length : 1;
      assert.equal(counts.get('ListObjectsV2Command'), 2 * streams);
      assert.equal(counts.get('GetObjectCommand'), 5 * streams);
    }
  });

  it('folder: metric streams are discovered with one delimiter listing', async () => {
    const src = folderSource();
    const got = await collect(src, 'metrics', W);
    assert.deepStrictEqual(sorted(got), sorted(expected.get('metrics')!));
    const streams = new Set(got.map((r) => (r.kind === 'metric' ? r.name : ''))).size;
    assert.ok(streams >= 3);
    assert.equal(src.store.requests.list, 1 + 2 * streams);
  });

  it('hive layout (dataset/yyyy=/mm=/dd=/hh=/) with gzipped NDJSON', async () => {
    const src = folderSource({ layout: 'hive' });
    const got = await collect(src, 'traces', W);
    assert.deepStrictEqual(sorted(got), sorted(expected.get('traces')!));
    assert.equal(src.store.requests.list, 2);
    assert.equal(src.store.requests.get, 2);
    const s3src = s3Source({ layout: '{dataset}/yyyy={YYYY}/mm={MM}/dd={DD}/hh={HH}' });
    assert.deepStrictEqual(sorted(await collect(s3src, 'metrics', W)), sorted(expected.get('metrics')!));
  });

  it('partition_slack widens the listing; byte-range reads give the same records', async () => {
    const slack = folderSource({ partition_slack: '1h' });
    await collect(slack, 'traces', W);
    assert.equal(slack.store.requests.list, 4, 'hours 10..13');
    const ranged = folderSource({ whole_file_max_bytes: 0 });
    assert.deepStrictEqual(sorted(await collect(ranged, 'traces', W)), sorted(expected.get('traces')!));
    assert.ok(ranged.store.requests.get > 5, 'parquet read by ranges');
    counts.clear();
    assert.deepStrictEqual(
      sorted(await collect(s3Source({ whole_file_max_bytes: 0 }), 'traces', W)),
      sorted(expected.get('traces')!),
    );
    assert.ok((counts.get('GetObjectCommand') ?? 0) > 5);
  });

  it('a window inside one partition skips files whose footer range misses it', async () => {
    const w = { from: DAY + 11 * H + 5 * 60_000, to: DAY + 11 * H + 6 * 60_000 };
    const inner = new FolderStore(join(tmp, 'bucket'));
    const reads: string[] = [];
    const spy: ObjectStore = {
      where: inner.where,
      requests: inner.requests,
      list: (p, d) => inner.list(p, d),
      read: (k) => (reads.push(k), inner.read(k)),
      readRange: (k, a, b) => (reads.push(`${k}@${a}`), inner.readRange(k, a, b)),
      stream: (k) => (reads.push(k), inner.stream(k)),
    };
    const config = objectstoreConfigSchema.parse({
      kind: 'objectstore',
      org: 'acme',
      storage: { type: 'folder', path: '/unused' },
      whole_file_max_bytes: 0,
    });
    const got = await collect(new ObjectstoreSource(config, { clock: new ManualClock(0), store: spy }), 'traces', w);
    assert.ok(got.length > 10);
    // the second file of hour 11 starts after 11:06: only its footer is read, no row group
    const second = reads.filter((r) => r.includes('720111002c3d4.parquet'));
    const first = reads.filter((r) => r.includes('720111001a1b2.parquet'));
    assert.equal(second.length, 1);
    assert.ok(first.length > 1);
    const want = sorted(
      everything.get('traces')!.filter((r) => r.kind === 'span' && r.start >= w.from && r.start < w.to),
    );
    const have = sorted(got);
    assert.deepStrictEqual(have, want);
    assert.equal((await collect(folderSource(), 'traces', { from: DAY + 20 * H, to: DAY + 21 * H })).length, 0);
  });

  it('malformed NDJSON lines and rows are counted, not thrown', async () => {
    const root = join(tmp, 'bad');
    const lines = [
      JSON.stringify({ _timestamp: (W.from + 1) * 1000, body: 'ok' }),
      '{"_timestamp": 1718',
      'not json',
      JSON.stringify({ body: 'no time' }),
      JSON.stringify({ _timestamp: 'yesterday', body: 'x' }),
      '[1,2]',
    ];
    await writeTree(
      root,
      new Map([[ooKey('logs', 'default', 11, 'x.ndjson'), new Uint8Array(Buffer.from(lines.join('\n')))]]),
    );
    const stats = new RejectStats();
    const src = new ObjectstoreSource(
      objectstoreConfigSchema.parse({ kind: 'objectstore', org: 'acme', storage: { type: 'folder', path: root } }),
      { clock: new ManualClock(0) },
    );
    const got = await collect(src, 'logs', W, stats);
    assert.equal(got.length, 1);
    assert.deepStrictEqual(stats.toJSON(), { bad_json: 2, bad_timestamp: 1, missing_timestamp: 1, not_object: 1 });
  });

  it('rejects bad layouts and inline secrets at config time', () => {
    const bad = (layout: string): string =>
      JSON.stringify(
        objectstoreConfigSchema.safeParse({ kind: 'objectstore', layout, storage: { type: 'folder', path: '.' } }).error
          ?.issues,
      );
    assert.match(bad('{dataset}/{HH}/'), /\{HH\} also needs \{YYYY\} \{MM\} \{DD\}/);
    assert.match(bad('{dataset}/{week}/'), /unknown token/);
    assert.match(bad('{dataset}/'), /time token/);
    const secret = objectstoreConfigSchema.safeParse({
      kind: 'objectstore',
      storage: { type: 's3', bucket: 'b', secret_key: 'x' },
    });
    assert.match(JSON.stringify(secret.error?.issues), /secret_key_env/);
  });

  it('location names the bucket and the key prefix of a dataset', async () => {
    assert.deepStrictEqual(s3Source().location(tenant, 'traces'), {
      bucket: 's3://oo-data',
      objectKey: 'prod/files/acme/traces/default/',
    });
    const list = await client.send(
      new ListObjectsV2Command({ Bucket: 'oo-data', Prefix: 'prod/files/acme/traces/default/2024/06/10/11/' }),
    );
    assert.equal(list.KeyCount, 2);
  });
});
