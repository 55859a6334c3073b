/**
 * Embeddings through an OpenAI-compatible `POST <url>/embeddings` endpoint: batched, each request
 * retried on network errors, 5xx and 429 (honouring Retry-After, else exponential backoff with
 * jitter), other 4xx failing at once. Vectors come back unit-length, so the inner product is the
 * cosine and L2 order equals cosine order (the HNSW index uses vector_l2_ops).
 *
 * Written on global fetch rather than the `openai` package: one endpoint and its error handling are
 * all we use, and a local stand-in must be able to play the provider in tests.
 */
import { ObserveBridgeError } from '../core/errors.js';
import { embeddingsSettings, STORED_DIMENSIONS, type EmbeddingsSettings } from './config.js';

export interface Embedder {
  readonly model: string;
  /** Vector length: the configured one, else learned from the first answer (0 until then). */
  readonly dimensions: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export class EmbeddingsError extends ObserveBridgeError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super('embeddings_failed', message);
  }
}

export interface EmbedderDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each retry (logging, counting). */
  onRetry?: (info: { attempt: number; status: number | null; waitMs: number }) => void;
}

const MAX_WAIT_MS = 60_000;

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unusable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.min(MAX_WAIT_MS, Number(header) * 1000);
  const t = Date.parse(header);
  return Number.isFinite(t) ? Math.min(MAX_WAIT_MS, Math.max(0, t - now)) : undefined;
}

export function normalize(v: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const n = Math.sqrt(sum);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = n > 0 ? v[i]! / n : 0;
  return out;
}

export function openAiEmbedder(s: EmbeddingsSettings, deps: EmbedderDeps = {}): Embedder {
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = deps.random ?? Math.random;
  const endpoint = /\/embeddings$/.test(s.url) ? s.url : `${s.url}/embeddings`;
  let dims = s.dimensions ?? 0;

  async function request(input: readonly string[]): Promise<Float32Array[]> {
    const body = JSON.stringify({
      model: s.model,
      input,
      encoding_format: 'float',
      ...(s.dimensions ? { dimensions: s.dimensions } : {}),
    });
    for (let attempt = 0; ; attempt++) {
      let status: number | null = null;
      let wait: number | undefined;
      let problem: string;
      try {
        const res = await doFetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : {}),
          },
          body,
          signal: AbortSignal.timeout(s.timeoutMs),
        });
        status = res.status;
        if (res.ok) return parse(await res.json(), input.length);
        const text = (await res.text().catch(() => '')).slice(0, 300).replace(/\s+/g, ' ');
        problem = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
        if (res.status !== 429 && res.status < 500)
          throw new EmbeddingsError(`embeddings: ${endpoint}: ${problem}`, status);
        wait = retryAfterMs(res.headers.get('retry-after'));
      } catch (e) {
        if (e instanceof EmbeddingsError) throw e;
        problem = e instanceof Error ? e.message : String(e);
      }
      if (attempt >= s.maxRetries)
        throw new EmbeddingsError(
          `embeddings: ${endpoint}: ${problem} (gave up after ${attempt + 1} attempts)`,
          status ?? undefined,
        );
      const backoff = Math.min(MAX_WAIT_MS, 250 * 2 ** attempt) * (0.5 + random() / 2);
      const waitMs = wait ?? backoff;
      deps.onRetry?.({ attempt: attempt + 1, status, waitMs });
      await sleep(waitMs);
    }
  }

  function parse(json: unknown, n: number): Float32Array[] {
    const data = (json as { data?: unknown })?.data;
    if (!Array.isArray(data) || data.length !== n)
      throw new EmbeddingsError(
        `embeddings: ${endpoint}: expected ${n} embeddings in data[], got ${Array.isArray(data) ? data.length : 'none'}`,
      );
    const out = new Array<Float32Array>(n);
    data.forEach((d: { index?: unknown; embedding?: unknown }, i) => {
      const at = typeof d?.index === 'number' ? d.index : i;
      const e = d?.embedding;
      if (!Array.isArray(e) || e.length === 0 || !e.every((x) => typeof x === 'number' && Number.isFinite(x)))
        throw new EmbeddingsError(`embeddings: ${endpoint}: data[${i}].embedding is not an array of numbers`);
      if (e.length > STORED_DIMENSIONS)
        throw new EmbeddingsError(
          `embeddings: the model returns ${e.length} dimensions; at most ${STORED_DIMENSIONS} fit kb_chunk.embedding ` +
            `(set kb.embeddings.dimensions to ${STORED_DIMENSIONS} or less if the model supports it)`,
        );
      if (dims === 0) dims = e.length;
      if (e.length !== dims)
        throw new EmbeddingsError(`embeddings: data[${i}].embedding has ${e.length} dimensions, expected ${dims}`);
      if (at < 0 || at >= n || out[at]) throw new EmbeddingsError(`embeddings: data[${i}].index is out of range`);
      out[at] = normalize(e as number[]);
    });
    return out;
  }

  return {
    model: s.model,
    get dimensions() {
      return dims;
    },
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += s.batchSize) out.push(...(await request(texts.slice(i, i + s.batchSize))));
      return out;
    },
  };
}

/** The configured provider (config `kb.embeddings` + env), or null: search is then lexical only. */
export function embedderFromConfig(
  kb: Parameters<typeof embeddingsSettings>[0],
  env: NodeJS.ProcessEnv = process.env,
  deps: EmbedderDeps = {},
): Embedder | null {
  const s = embeddingsSettings(kb, env);
  return s ? openAiEmbedder(s, deps) : null;
}
