/**
 * A local stand-in of an OpenAI-compatible embeddings endpoint (`POST /v1/embeddings`), for tests and
 * benchmarks: the provider cannot run here. Answers with standinVector; can require a bearer key,
 * fail the first requests (429 with Retry-After, or 500), and counts what it served.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { standinVector } from './vector.js';

export interface StandinOptions {
  /** Vector length when the request names none. @defaultValue 256 */
  dims?: number;
  apiKey?: string;
  /** The first `count` requests fail with `status` (429 sends Retry-After: retryAfter seconds). */
  failFirst?: { count: number; status: number; retryAfter?: string };
  /** Every request fails with this status (a provider that is down). */
  alwaysFail?: number;
}

export interface Standin {
  /** Base URL, e.g. http://127.0.0.1:12345/v1 */
  url: string;
  requests: number;
  /** Inputs embedded (sum of batch sizes of answered requests). */
  inputs: number;
  /** Batch sizes of the requests, in order. */
  batches: number[];
  lastAuthorization: string | undefined;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

export async function startEmbeddingsStandin(opts: StandinOptions = {}): Promise<Standin> {
  const state: Omit<Standin, 'url' | 'close'> = { requests: 0, inputs: 0, batches: [], lastAuthorization: undefined };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    state.requests++;
    state.lastAuthorization = req.headers.authorization;
    if (req.method !== 'POST' || req.url !== '/v1/embeddings')
      return send(res, 404, { error: { message: 'not found' } });
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`)
      return send(res, 401, { error: { message: 'invalid api key' } });
    if (opts.alwaysFail) return send(res, opts.alwaysFail, { error: { message: 'provider down' } });
    if (opts.failFirst && state.requests <= opts.failFirst.count) {
      const h: Record<string, string> =
        opts.failFirst.status === 429 && opts.failFirst.retryAfter ? { 'retry-after': opts.failFirst.retryAfter } : {};
      return send(res, opts.failFirst.status, { error: { message: 'rate limited' } }, h);
    }
    let body: { model?: unknown; input?: unknown; dimensions?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return send(res, 400, { error: { message: 'bad json' } });
    }
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(input) || !input.every((x) => typeof x === 'string') || typeof body.model !== 'string')
      return send(res, 400, { error: { message: 'input must be a string or an array of strings; model is required' } });
    const dims = typeof body.dimensions === 'number' ? body.dimensions : (opts.dims ?? 256);
    state.inputs += input.length;
    state.batches.push(input.length);
    send(res, 200, {
      object: 'list',
      model: body.model,
      data: input.map((t, index) => ({ object: 'embedding', index, embedding: standinVector(t, dims) })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }) as Standin;
}
