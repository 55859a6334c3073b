/**
 * The `kb` section of the config: what `run` ingests at start, how documents are chunked, the
 * text-search language, the optional embeddings provider and the search fusion. Every field has a
 * default, so `kb` may be absent.
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/** The schema's vector width (sql/capabilities/vector*.sql); shorter provider vectors are zero-padded. */
export const STORED_DIMENSIONS = 1536;

export const embeddingsConfigSchema = z
  .object({
    /** Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 (POST <url>/embeddings). */
    url: z.string().url('must be an http(s) URL').optional(),
    model: z.string().min(1).max(200).optional(),
    /** Vector length to request and expect; at most 1536 (the column's width). */
    dimensions: z.number().int().min(1).max(STORED_DIMENSIONS).optional(),
    /** The environment variable holding the API key (never the key itself in a file). */
    api_key_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    batch_size: z.number().int().min(1).max(2048).optional(),
    max_retries: z.number().int().min(0).max(20).optional(),
    timeout_ms: z.number().int().min(100).max(600_000).optional(),
  })
  .strict();

export const kbConfigSchema = z
  .object({
    /** Folders, files or URL lists that `run` ingests at start (shared by all tenants). */
    paths: z.array(z.string().min(1)).optional(),
    /** PostgreSQL text-search configuration (regconfig), e.g. english, simple, german. */
    language: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'must be a text search configuration name such as english or simple')
      .optional(),
    chunk: z
      .object({
        max_chars: z.number().int().min(200).max(20_000).optional(),
        overlap_chars: z.number().int().min(0).max(5_000).optional(),
      })
      .strict()
      .optional(),
    embeddings: embeddingsConfigSchema.optional(),
    search: z
      .object({
        /** Candidates each method contributes before fusion. */
        candidates: z.number().int().min(5).max(1000).optional(),
        /** Reciprocal rank fusion constant k in 1 / (k + rank). */
        rrf_k: z.number().int().min(1).max(1000).optional(),
        /** pg_trgm similarity a known word needs to a query word to stand in for it (trigram method). */
        trigram_threshold: z.number().min(0.05).max(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type KbConfig = z.output<typeof kbConfigSchema>;

export interface ChunkSettings {
  maxChars: number;
  overlapChars: number;
}

export interface SearchSettings {
  language: string;
  candidates: number;
  rrfK: number;
  trigramThreshold: number;
}

export const DEFAULT_LANGUAGE = 'english';

export function chunkSettings(c: KbConfig | undefined): ChunkSettings {
  const maxChars = c?.chunk?.max_chars ?? 1200;
  return { maxChars, overlapChars: Math.min(c?.chunk?.overlap_chars ?? 150, Math.floor(maxChars / 2)) };
}

export function searchSettings(c: KbConfig | undefined): SearchSettings {
  return {
    language: c?.language ?? DEFAULT_LANGUAGE,
    candidates: c?.search?.candidates ?? 50,
    rrfK: c?.search?.rrf_k ?? 60,
    trigramThreshold: c?.search?.trigram_threshold ?? 0.3,
  };
}

/** Everything the embeddings client needs, after env overrides; null when no provider is configured. */
export interface EmbeddingsSettings {
  url: string;
  model: string;
  dimensions: number | undefined;
  apiKey: string | undefined;
  batchSize: number;
  maxRetries: number;
  timeoutMs: number;
}

export const EMBEDDINGS_ENV = {
  url: 'OBSERVEBRIDGE_EMBEDDINGS_URL',
  model: 'OBSERVEBRIDGE_EMBEDDINGS_MODEL',
  dimensions: 'OBSERVEBRIDGE_EMBEDDINGS_DIMENSIONS',
  apiKey: 'OBSERVEBRIDGE_EMBEDDINGS_API_KEY',
} as const;

/**
 * The provider from config, each field overridable by env (OBSERVEBRIDGE_EMBEDDINGS_URL, _MODEL,
 * _DIMENSIONS; the key from `api_key_env`, default OBSERVEBRIDGE_EMBEDDINGS_API_KEY). Null without a
 * URL: search is then lexical only. A URL without a model is a config error naming the field.
 */
export function embeddingsSettings(
  c: KbConfig | undefined,
  env: NodeJS.ProcessEnv = process.env,
): EmbeddingsSettings | null {
  const e = c?.embeddings;
  const url = env[EMBEDDINGS_ENV.url] || e?.url;
  if (!url) return null;
  if (!/^https?:\/\//.test(url))
    throw new ConfigError(`config: kb.embeddings.url (or ${EMBEDDINGS_ENV.url}): must be an http(s) URL`);
  const model = env[EMBEDDINGS_ENV.model] || e?.model;
  if (!model)
    throw new ConfigError(
      `config: kb.embeddings.model (or ${EMBEDDINGS_ENV.model}): required when an embeddings URL is set`,
    );
  let dimensions = e?.dimensions;
  const envDims = env[EMBEDDINGS_ENV.dimensions];
  if (envDims) {
    const n = Number(envDims);
    if (!/^\d+$/.test(envDims) || n < 1 || n > STORED_DIMENSIONS)
      throw new ConfigError(`config: ${EMBEDDINGS_ENV.dimensions}: must be a whole number from 1 to 1536`);
    dimensions = n;
  }
  return {
    url: url.replace(/\/+$/, ''),
    model,
    dimensions,
    apiKey: env[e?.api_key_env ?? EMBEDDINGS_ENV.apiKey] || undefined,
    batchSize: e?.batch_size ?? 64,
    maxRetries: e?.max_retries ?? 5,
    timeoutMs: e?.timeout_ms ?? 30_000,
  };
}
