import { z } from 'zod';
import { type Clock, systemClock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { fileConfigSchema } from './file/config.js';
import { FileSource } from './file/file-source.js';
import type { SourceLogger } from './logger.js';
import { mockConfigSchema } from './mock/config.js';
import { MockSource } from './mock/mock-source.js';
import { objectstoreConfigSchema } from './objectstore/config.js';
import { ObjectstoreSource } from './objectstore/objectstore-source.js';
import { openobserveConfigSchema } from './openobserve/config.js';
import { OpenObserveSource } from './openobserve/oo-source.js';
import type { Source } from './source.js';

/**
 * A tenant's `source:` block. The app config embeds this schema; each kind's fields are
 * documented in src/sources/<kind>/config.ts. Parsing is idempotent: a parsed config parses to
 * itself, so `createSource` accepts raw or parsed input.
 */
export const sourceConfigSchema = z.discriminatedUnion('kind', [
  mockConfigSchema,
  openobserveConfigSchema,
  objectstoreConfigSchema,
  fileConfigSchema,
]);

export type SourceConfig = z.output<typeof sourceConfigSchema>;
export type SourceConfigInput = z.input<typeof sourceConfigSchema>;
export const SOURCE_KINDS = ['mock', 'openobserve', 'objectstore', 'file'] as const;

export interface SourceDeps {
  clock?: Clock;
  logger?: SourceLogger;
  /** Where secrets named by `*_env` fields are read from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** Validates a source config; problems come back with their path (`source.page_size: …`). */
export function parseSourceConfig(input: unknown, path = 'source'): SourceConfig {
  const r = sourceConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${[path, ...i.path].join('.')}: ${i.message}`);
  throw new ConfigError(`invalid source config: ${problems.join('; ')}`, problems);
}

/**
 * Builds the source for a config. Throws ConfigError for an invalid config or a missing secret
 * (a setup problem that retrying cannot fix).
 */
export function createSource(config: unknown, deps: SourceDeps = {}): Source {
  const c = parseSourceConfig(config);
  const clock = deps.clock ?? systemClock;
  const common = { clock, ...(deps.logger ? { logger: deps.logger } : {}), ...(deps.env ? { env: deps.env } : {}) };
  switch (c.kind) {
    case 'mock':
      return new MockSource(c);
    case 'openobserve':
      return new OpenObserveSource(c, common);
    case 'objectstore':
      return new ObjectstoreSource(c, common);
    case 'file':
      return new FileSource(c, common);
  }
}
