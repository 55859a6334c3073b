import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type OoRow, responseBody, rowJson } from './json-writer.js';
import { aggregateRows } from './aggregate.js';
import { type Condition, parseSql, type Query, SqlError } from './sql.js';

/**
 * A stand-in OpenObserve server implementing the contract in shared/reference/openobserve.md §10
 * over in-memory rows: `_search` (µs half-open range, default DESC order, explicit size or a silent
 * 1,000-row cap, total = hits returned, null columns omitted, UInt64 as raw digits), the streams
 * endpoints, Basic auth and OO's error shapes — plus fault injection for client tests.
 */

export type StreamType = 'logs' | 'metrics' | 'traces';
const TYPES: readonly StreamType[] = ['logs', 'metrics', 'traces'];

/** One fault, applied to the next `_search` request it is taken for. */
export type OoFault =
  /** Answer with this status. JSON body `{code, message}` (OO style) unless `plain` is given. */
  | { kind: 'status'; status: number; code?: number; message?: string; retryAfter?: string; plain?: string }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number }
  /** 200 with a JSON body cut in half (Content-Length matches the cut body). */
  | { kind: 'truncate' }
  /** 200 with the previous `_search` answer for the same stream (a stale/repeated page). */
  | { kind: 'repeat-page' }
  /** Answer normally but flag the result as partial, as OO does when a range was clamped. */
  | { kind: 'partial' }
  /** Destroy the connection without answering. */
  | { kind: 'reset' }
  /** Never answer (until the client gives up or the server closes). */
  | { kind: 'hang' };

export interface OoFaults {
  /** Consumed one per `_search` request, in order. */
  search: OoFault[];
  /** Delay every response by this many ms. */
  delayMs?: number;
  /** Per stream `max_query_range` in hours: longer ranges are clamped and flagged is_partial. */
  maxQueryRangeHours?: Record<string, number>;
  /** Shuffle rows with equal sort keys on every request (OO gives no tiebreak). */
  shuffleTies?: boolean;
  /** Cut every row result to this many rows without any warning (an old OO bug, #10486). */
  silentCap?: number;
  /** Programmable hook, asked before the queue: return a fault for this request or undefined. */
  when?: (req: OoRequestLog) => OoFault | undefined;
}

export interface OoRequestLog {
  method: string;
  path: string;
  params: Record<string, string>;
  /** Parsed JSON body (search requests). */
  body?: unknown;
  status?: number;
  /** Hits returned (search requests answered 200). */
  hits?: number;
  /** Response body bytes, and rows matched before grouping and limits (search requests answered 200). */
  bytes?: number;
  scanned?: number;
  fault?: string;
}

export interface OoStandinOptions {
  org?: string;
  /** Rows per stream: key `<type>/<stream>` (e.g. `traces/default`) or `<stream>` (any type). */
  rows?: Record<string, OoRow[]>;
  /** Basic-auth credentials the server accepts; `false` disables auth. */
  auth?: { user: string; password: string } | false;
  faults?: Partial<OoFaults>;
}

export interface OoStandin {
  url: string;
  org: string;
  auth: { user: string; password: string } | false;
  /** Every request received, in order. */
  requests: OoRequestLog[];
  /** Live fault settings: tests may push faults or change settings at any time. */
  faults: OoFaults;
  /** Adds rows (late-arriving data) to a stream. */
  addRows(key: string, rows: OoRow[]): void;
  /** Only the `_search` requests. */
  searches(): OoRequestLog[];
  close(): Promise<void>;
}

export const STANDIN_AUTH = { user: 'root@example.com', password: 'Complexpass#123' };
const DEFAULT_LIMIT = 1000;
const CAP_WARNING = 'Warn: results are capped to meet default limit';

interface Stored {
  rows: OoRow[];
  /** Each row's JSON, encoded once: pages are assembled from these without re-serializing. */
  json: WeakMap<OoRow, Buffer>;
  /** Column names seen in the rows (reset when rows are added). */
  columns?: Set<string>;
  /** Rows in ascending _timestamp order, insertion order within ties (reset when rows are added). */
  byTime?: { rows: OoRow[]; ts: Float64Array };
}

export async function startOoStandin(opts: OoStandinOptions = {}): Promise<OoStandin> {
  const org = opts.org ?? 'default';
  const auth = opts.auth === undefined ? STANDIN_AUTH : opts.auth;
  const faults: OoFaults = { search: [], ...opts.faults };
  const requests: OoRequestLog[] = [];
  const streams = new Map<string, Stored>();
  /** The last answer per `<type>/<stream>`, for the repeat-page fault. */
  const lastSearchBody = new Map<string, Buffer>();
  let traceSeq = 0;
  const hanging = new Set<ServerResponse>();

  const addRows = (key: string, rows: OoRow[]): void => {
    const k = key.includes('/') ? key : `*/${key}`;
    let s = streams.get(k);
    if (!s) streams.set(k, (s = { rows: [], json: new WeakMap() }));
    for (const r of rows) s.rows.push(r);
    delete s.columns;
    delete s.byTime;
  };
  for (const [k, rows] of Object.entries(opts.rows ?? {})) addRows(k, rows);

  const find = (type: StreamType, name: string): Stored | undefined =>
    streams.get(`${type}/${name}`) ?? streams.get(`*/${name}`);
  const namesOf = (type: StreamType): string[] => {
    const out = new Set<string>();
    for (const k of streams.keys()) {
      const [t, n] = [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)];
      if (t === type || t === '*') out.add(n);
    }
    return [...out].sort();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: OoRequestLog = { method: req.method ?? 'GET', path: '', params: {} };
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'), entry);
      } catch (e) {
        send(
          res,
          entry,
          500,
          JSON.stringify({ code: 10001, message: `stand-in bug: ${String(e)}` }),
          'application/json',
        );
      }
    });
  });

  function send(
    res: ServerResponse,
    entry: OoRequestLog,
    status: number,
    body: string | Buffer,
    type: string,
    headers: Record<string, string> = {},
  ): void {
    entry.status = status;
    const write = (): void => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    if (faults.delayMs) setTimeout(write, faults.delayMs);
    else write();
  }

  const plain = (
    res: ServerResponse,
    e: OoRequestLog,
    status: number,
    text: string,
    headers?: Record<string, string>,
  ): void => send(res, e, status, text, 'text/plain; charset=utf-8', headers);
  const ooError = (
    res: ServerResponse,
    e: OoRequestLog,
    status: number,
    code: number,
    message: string,
    detail = '',
  ): void =>
    send(
      res,
      e,
      status,
      JSON.stringify({ code, message, error_detail: detail, trace_id: `standin-${++traceSeq}` }),
      'application/json',
      {
        'x-error-message': String(code),
      },
    );

  function handle(req: IncomingMessage, res: ServerResponse, rawBody: string, entry: OoRequestLog): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    entry.path = url.pathname;
    entry.params = Object.fromEntries(url.searchParams);
    requests.push(entry);

    if (auth !== false) {
      const header = req.headers.authorization ?? '';
      const expected = 'Basic ' + Buffer.from(`${auth.user}:${auth.password}`).toString('base64');
      if (header !== expected)
        return plain(res, entry, 401, 'Unauthorized Access', { 'www-authenticate': 'Bearer realm="openobserve"' });
    }
    const m = /^\/api\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!m) return plain(res, entry, 404, 'Not Found');
    const [, reqOrg, rest] = m as unknown as [string, string, string];
    const typeParam = url.searchParams.get('type');
    const type: StreamType = TYPES.includes(typeParam as StreamType) ? (typeParam as StreamType) : 'logs';
    const schema = /^streams\/([^/]+)\/schema$/.exec(rest);
    const route =
      rest === '_search' && req.method === 'POST'
        ? 'search'
        : rest === '_search_partition' && req.method === 'POST'
          ? 'partition'
          : rest === 'streams' && req.method === 'GET'
            ? 'streams'
            : schema && req.method === 'GET'
              ? 'schema'
              : undefined;
    if (route === undefined) return plain(res, entry, 404, 'Not Found');
    if (decodeURIComponent(reqOrg) !== org) return plain(res, entry, 403, 'Unauthorized Access');
    switch (route) {
      case 'search':
        return search(req, res, rawBody, entry, type);
      case 'partition':
        return partition(req, res, rawBody, entry, type);
      case 'streams':
        return listStreams(res, entry, typeParam as StreamType | null);
      case 'schema': {
        const name = decodeURIComponent(schema![1]!);
        const st = find(type, name);
        if (!st)
          return send(res, entry, 404, JSON.stringify({ code: 404, message: 'stream not found' }), 'application/json');
        return send(res, entry, 200, JSON.stringify(streamInfo(name, type, st)), 'application/json');
      }
    }
  }

  function parseJsonBody(
    req: IncomingMessage,
    res: ServerResponse,
    raw: string,
    entry: OoRequestLog,
  ): Record<string, unknown> | undefined {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      plain(res, entry, 415, 'Expected request with `Content-Type: application/json`');
      return undefined;
    }
    try {
      const body: unknown = JSON.parse(raw);
      entry.body = body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
      return body as Record<string, unknown>;
    } catch (e) {
      plain(res, entry, 400, `Failed to parse the request body as JSON: ${String(e)}`);
      return undefined;
    }
  }

  function takeFault(entry: OoRequestLog): OoFault | undefined {
    return faults.when?.(entry) ?? faults.search.shift();
  }

  function search(req: IncomingMessage, res: ServerResponse, raw: string, entry: OoRequestLog, type: StreamType): void {
    const body = parseJsonBody(req, res, raw, entry);
    if (!body) return;
    const q = body['query'] as Record<string, unknown> | undefined;
    const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
    if (
      typeof q !== 'object' ||
      q === null ||
      typeof q['sql'] !== 'string' ||
      !isInt(q['start_time']) ||
      !isInt(q['end_time'])
    )
      return plain(
        res,
        entry,
        422,
        'Failed to deserialize the JSON body into the target type: query: missing field `sql`, `start_time` or `end_time`',
      );
    for (const f of ['from', 'size'] as const)
      if (q[f] !== undefined && !isInt(q[f]))
        return plain(res, entry, 422, `Failed to deserialize the JSON body: query.${f}: invalid type`);

    const fault = takeFault(entry);
    if (fault) entry.fault = fault.kind;
    switch (fault?.kind) {
      case 'status': {
        const headers: Record<string, string> =
          fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {};
        if (fault.plain !== undefined) return plain(res, entry, fault.status, fault.plain, headers);
        entry.status = fault.status;
        const code = fault.code ?? fault.status;
        return send(
          res,
          entry,
          fault.status,
          JSON.stringify({ code, message: fault.message ?? `injected ${fault.status}` }),
          'application/json',
          {
            ...headers,
            ...(fault.code !== undefined ? { 'x-error-message': String(fault.code) } : {}),
          },
        );
      }
      case 'reset':
        entry.status = 0;
        req.socket.destroy();
        return;
      case 'hang':
        entry.status = 0;
        hanging.add(res);
        return;
      case 'repeat-page': {
        const last = lastSearchBody.get(`${type}/${streamOf(body, q)}`);
        if (last !== undefined) return send(res, entry, 200, last, 'application/json');
        break;
      }
      case 'delay':
        setTimeout(() => answer(res, entry, type, body, q, fault), fault.ms);
        return;
    }
    answer(res, entry, type, body, q, fault);
  }

  function streamOf(body: Record<string, unknown>, q: Record<string, unknown>): string | undefined {
    let sql = q['sql'] as string;
    if (body['encoding'] === 'base64') sql = Buffer.from(sql, 'base64url').toString('utf8');
    try {
      return parseSql(sql).stream;
    } catch {
      return undefined;
    }
  }

  function answer(
    res: ServerResponse,
    entry: OoRequestLog,
    type: StreamType,
    body: Record<string, unknown>,
    q: Record<string, unknown>,
    fault: OoFault | undefined,
  ): void {
    let sql = q['sql'] as string;
    if (body['encoding'] === 'base64') sql = Buffer.from(sql, 'base64url').toString('utf8');
    let parsed: Query;
    try {
      parsed = parseSql(sql);
    } catch (e) {
      return ooError(res, entry, 400, 20001, 'Search SQL not valid', e instanceof SqlError ? e.message : String(e));
    }
    const st = find(type, parsed.stream);
    if (!st) return ooError(res, entry, 400, 20002, `Search stream not found: ${parsed.stream}`);

    let start = q['start_time'] as number;
    const end = q['end_time'] as number;
    const functionError: string[] = [];
    let partial = fault?.kind === 'partial';
    const extra: Record<string, unknown> = {};
    const maxH = faults.maxQueryRangeHours?.[parsed.stream];
    if (maxH !== undefined && end - start > maxH * 3_600_000_000) {
      start = end - maxH * 3_600_000_000;
      partial = true;
      functionError.push(`Query duration is modified due to query range restriction of ${maxH} hours`);
      extra['new_start_time'] = start;
      extra['new_end_time'] = end;
    }
    if (st.columns === undefined) {
      st.columns = new Set<string>(['_timestamp']);
      for (const r of st.rows) for (const k in r) st.columns.add(k);
    }
    const known = st.columns;
    const aliases = new Set(parsed.select.kind === 'aggregate' ? parsed.select.items.map((it) => it.alias) : []);
    const cols = [
      ...parsed.where.map((c) => c.column),
      ...parsed.orderBy.map((o) => o.column).filter((c) => !aliases.has(c)),
      ...(parsed.select.kind === 'columns' ? parsed.select.columns : []),
      ...(parsed.select.kind === 'aggregate'
        ? parsed.select.items.map((it) => it.column).filter((c) => c !== '*')
        : []),
    ];
    const unknown = cols.find((c) => !known.has(c));
    if (unknown !== undefined) return ooError(res, entry, 400, 20004, `Search field not found: ${unknown}`);

    let rows = inRange(st, start, end).filter((r) => parsed.where.every((c) => matches(r, c)));
    entry.scanned = rows.length;

    const trackTotal = q['track_total_hits'] === true;
    const common = {
      took: 1,
      took_detail: { total: 1, cache_took: 0, file_list_took: 0, wait_in_queue: 0, idx_took: 0, search_took: 1 },
    };
    const from = (q['from'] as number | undefined) ?? 0;
    const size = (q['size'] as number | undefined) ?? DEFAULT_LIMIT;
    let hitsJson: Buffer[];
    let orderBy: { column: string; desc: boolean }[] = [];
    if (parsed.select.kind === 'aggregate') {
      // GROUP BY (reference §8): one row per group; limits as §1.5, ORDER BY over the output names.
      let out = aggregateRows(rows, parsed);
      if (parsed.orderBy.length > 0) out = sortRows(out, parsed.orderBy, false);
      if (parsed.limit !== undefined) out = out.slice(parsed.offset ?? 0, (parsed.offset ?? 0) + parsed.limit);
      else if (size > 0) out = out.slice(from, from + size);
      else if (out.length > DEFAULT_LIMIT) {
        out = out.slice(0, DEFAULT_LIMIT);
        functionError.push(CAP_WARNING);
      }
      hitsJson = out.map((r) => Buffer.from(rowJson(r)));
      const h = parsed.select.items.find((it) => it.kind === 'histogram');
      if (h?.kind === 'histogram') extra['histogram_interval'] = h.intervalMs / 1000;
      extra['is_histogram_eligible'] = true;
    } else if (trackTotal || parsed.select.kind === 'count') {
      const alias = parsed.select.kind === 'count' && !trackTotal ? parsed.select.alias : 'zo_sql_num';
      hitsJson = [Buffer.from(JSON.stringify({ [alias]: rows.length }))];
    } else {
      orderBy = parsed.orderBy.length > 0 ? parsed.orderBy : [{ column: '_timestamp', desc: true }];
      // Rows come out of inRange() sorted by time already; only other orders (or ties) need work.
      const byTimeOnly = orderBy.length === 1 && orderBy[0]!.column === '_timestamp';
      if (!byTimeOnly || faults.shuffleTies === true) rows = sortRows(rows, orderBy, faults.shuffleTies === true);
      else if (orderBy[0]!.desc) rows.reverse();
      // Limits (§1.5): SQL LIMIT wins; else size > 0 pages; else a silent cap at the default limit.
      if (parsed.limit !== undefined) rows = rows.slice(parsed.offset ?? 0, (parsed.offset ?? 0) + parsed.limit);
      else if (size > 0) rows = rows.slice(from, from + size);
      else if (rows.length > DEFAULT_LIMIT) {
        rows = rows.slice(0, DEFAULT_LIMIT);
        functionError.push(CAP_WARNING);
      }
      if (faults.silentCap !== undefined) rows = rows.slice(0, faults.silentCap);
      const columns =
        parsed.select.kind === 'columns' ? [...new Set(['_timestamp', ...parsed.select.columns])] : undefined;
      hitsJson = rows.map((r) => {
        if (columns) return Buffer.from(rowJson(r, columns));
        let s = st.json.get(r);
        if (s === undefined) st.json.set(r, (s = Buffer.from(rowJson(r))));
        return s;
      });
    }
    const total = trackTotal ? rows.length : hitsJson.length;
    const fields: Record<string, unknown> = {
      ...common,
      total,
      from,
      size,
      cached_ratio: 0,
      scan_size: 1,
      idx_scan_size: 0,
      scan_records: st.rows.length,
      trace_id: `standin-${++traceSeq}`,
      is_partial: partial,
      result_cache_ratio: 0,
      ...extra,
    };
    if (functionError.length > 0) fields['function_error'] = functionError;
    if (orderBy.length > 0) {
      fields['order_by'] = orderBy[0]!.desc ? 'desc' : 'asc';
      fields['order_by_metadata'] = orderBy.map((o) => [o.column, o.desc ? 'desc' : 'asc']);
    }
    const out = responseBody(fields, hitsJson);
    lastSearchBody.set(`${type}/${parsed.stream}`, out);
    entry.hits = hitsJson.length;
    entry.bytes = out.length;
    if (fault?.kind === 'truncate') {
      const cut = out.subarray(0, Math.floor(out.length / 2));
      return send(res, entry, 200, cut, 'application/json');
    }
    send(res, entry, 200, out, 'application/json');
  }

  function partition(
    req: IncomingMessage,
    res: ServerResponse,
    raw: string,
    entry: OoRequestLog,
    type: StreamType,
  ): void {
    const body = parseJsonBody(req, res, raw, entry);
    if (!body) return;
    const start = body['start_time'];
    const end = body['end_time'];
    if (typeof start !== 'number' || typeof end !== 'number' || typeof body['sql'] !== 'string')
      return plain(
        res,
        entry,
        422,
        'Failed to deserialize the JSON body: missing field `sql`, `start_time` or `end_time`',
      );
    let stream: string;
    try {
      stream = parseSql(body['sql']).stream;
    } catch (e) {
      return ooError(res, entry, 400, 20001, 'Search SQL not valid', String(e));
    }
    const st = find(type, stream);
    if (!st) return ooError(res, entry, 400, 20002, `Search stream not found: ${stream}`);
    const step = 3_600_000_000;
    const partitions: [number, number][] = [];
    for (let e = end; e > start; e -= step) partitions.push([Math.max(start, e - step), e]);
    send(
      res,
      entry,
      200,
      JSON.stringify({
        trace_id: `standin-${++traceSeq}`,
        file_num: 1,
        records: st.rows.length,
        original_size: 0,
        compressed_size: 0,
        max_query_range: 0,
        partitions,
        order_by: 'desc',
        limit: 0,
        streaming_output: false,
        streaming_aggs: false,
      }),
      'application/json',
    );
  }

  function streamInfo(name: string, type: StreamType, st: Stored): Record<string, unknown> {
    const types = new Map<string, string>();
    let min = Infinity;
    let max = -Infinity;
    for (const r of st.rows) {
      for (const [k, v] of Object.entries(r))
        if (v !== null && v !== undefined && !types.has(k)) types.set(k, arrowType(v));
      const ts = Number(r['_timestamp']);
      if (ts < min) min = ts;
      if (ts > max) max = ts;
    }
    return {
      name,
      storage_type: 'disk',
      stream_type: type,
      stats: {
        created_at: 0,
        doc_time_min: Number.isFinite(min) ? min : 0,
        doc_time_max: Number.isFinite(max) ? max : 0,
        doc_num: st.rows.length,
        file_num: 1,
        storage_size: 0,
        compressed_size: 0,
        index_size: 0,
      },
      schema: [...types].sort(([a], [b]) => a.localeCompare(b)).map(([n, t]) => ({ name: n, type: t })),
      settings: {
        partition_keys: {},
        full_text_search_keys: [],
        index_fields: [],
        bloom_filter_fields: [],
        data_retention: 0,
        max_query_range: faults.maxQueryRangeHours?.[name] ?? 0,
        store_original_data: false,
      },
      total_fields: types.size,
      ...(type === 'metrics'
        ? { metrics_meta: { metric_type: 'Gauge', metric_family_name: name, help: '', unit: '' } }
        : {}),
    };
  }

  function listStreams(res: ServerResponse, entry: OoRequestLog, type: StreamType | null): void {
    const list: Record<string, unknown>[] = [];
    for (const t of type && TYPES.includes(type) ? [type] : TYPES)
      for (const n of namesOf(t)) list.push(streamInfo(n, t, find(t, n)!));
    send(res, entry, 200, JSON.stringify({ list, total: list.length }), 'application/json');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    org,
    auth,
    requests,
    faults,
    addRows,
    searches: () => requests.filter((r) => r.path.endsWith('/_search')),
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Rows with start ≤ _timestamp < end, ascending, by binary search over a sorted copy. */
function inRange(st: Stored, start: number, end: number): OoRow[] {
  if (st.byTime === undefined) {
    const rows = st.rows.map((r, i) => ({ r, i, t: Number(r['_timestamp']) })).filter((x) => !Number.isNaN(x.t));
    rows.sort((a, b) => a.t - b.t || a.i - b.i);
    st.byTime = { rows: rows.map((x) => x.r), ts: Float64Array.from(rows, (x) => x.t) };
  }
  const { rows, ts } = st.byTime;
  const lower = (x: number): number => {
    let lo = 0;
    let hi = ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ts[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return rows.slice(lower(start), lower(end));
}

function arrowType(v: unknown): string {
  if (typeof v === 'bigint') return 'UInt64';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Int64' : 'Float64';
  if (typeof v === 'boolean') return 'Boolean';
  return 'Utf8';
}

function matches(r: OoRow, c: Condition): boolean {
  const raw = r[c.column];
  if (raw === null || raw === undefined) return false;
  const v = typeof c.value === 'number' ? Number(raw) : String(raw);
  switch (c.op) {
    case '=':
      return v === c.value;
    case '!=':
      return v !== c.value;
    case '<':
      return v < c.value;
    case '<=':
      return v <= c.value;
    case '>':
      return v > c.value;
    case '>=':
      return v >= c.value;
  }
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint'))
    return a < b ? -1 : a > b ? 1 : 0;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function sortRows(rows: OoRow[], orderBy: { column: string; desc: boolean }[], shuffleTies: boolean): OoRow[] {
  const keyed = rows.map((r) => ({ r, tie: shuffleTies ? Math.random() : 0 }));
  keyed.sort((x, y) => {
    for (const o of orderBy) {
      const c = compare(x.r[o.column], y.r[o.column]);
      if (c !== 0) return o.desc ? -c : c;
    }
    return x.tie - y.tie;
  });
  return keyed.map((k) => k.r);
}
