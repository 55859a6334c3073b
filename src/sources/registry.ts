import { z } from 'zod';
import { systemClock, type Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { mockConfigSchema } from './mock/config.js';
import { MockSource } from './mock/mock-source.js';
import { objectstoreConfigSchema } from './objectstore/config.js';
import { createObjectstoreSource } from './objectstore/objectstore-source.js';
import { openobserveConfigSchema } from './openobserve/config.js';
import { createOpenObserveSource } from './openobserve/oo-source.js';
import type { Source } from './source.js';

/** Every source kind's config, told apart by `kind` (validated once, at startup). */
export const sourceConfigSchema = z.discriminatedUnion('kind', [
  mockConfigSchema,
  openobserveConfigSchema,
  objectstoreConfigSchema,
]);
export type SourceConfig = z.output<typeof sourceConfigSchema>;

export const SOURCE_KINDS = ['mock', 'openobserve', 'objectstore'] as const;

export interface SourceDeps {
  clock?: Clock;
  env?: Record<string, string | undefined>;
}

/** Builds a source from its (raw or parsed) config; a bad config is a ConfigError naming the field. */
export function createSource(raw: unknown, deps: SourceDeps = {}): Source {
  const parsed = sourceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `source.${i.path.map(String).join('.')}: ${i.message}`);
    throw new ConfigError(`config: invalid source:\n  ${problems.join('\n  ')}`, problems);
  }
  const c = parsed.data;
  const clock = deps.clock ?? systemClock;
  switch (c.kind) {
    case 'mock':
      return new MockSource(c);
    case 'openobserve':
      return createOpenObserveSource(c, { clock, ...(deps.env ? { env: deps.env } : {}) });
    case 'objectstore':
      return createObjectstoreSource(c, { clock, ...(deps.env ? { env: deps.env } : {}) });
  }
}
