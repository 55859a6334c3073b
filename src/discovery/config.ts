import { z } from 'zod';
import { isDuration, parseDuration } from '../core/duration.js';

const HOUR = 3_600_000;

// Not config/schema's `duration`: schema.ts imports this file, and a cycle would meet it uninitialized.
const duration = z
  .string()
  .refine(isDuration, { message: 'must be a duration such as 30m, 1h or 12h' })
  .transform((s) => parseDuration(s));

/**
 * `discovery:` attribute discovery (README "Attribute discovery"): every name, key and value the
 * summary jobs read, per tenant and debounce window, without sampling. The caps bound memory per
 * job window; what they turn away is counted (the *_overflow columns), never silently lost.
 */
export const discoveryConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Debounce window: one row per (name, key, value) per window. A multiple of 5m, at most 1d. */
    debounce: duration
      .refine((ms) => ms % 300_000 === 0 && ms <= 24 * HOUR, { message: 'must be a multiple of 5m, at most 24h' })
      .default(HOUR),
    /** Distinct values kept per (name, key) per job window; more are counted in values_overflow. */
    max_values_per_key: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Distinct keys kept per name; more are counted in keys_overflow. */
    max_keys_per_name: z.number().int().min(1).max(10_000).default(256),
    /**
     * Distinct attribute sets (co-occurrence) kept per name per job window, and per debounce window
     * as far as the job's cache follows it (src/discovery/cache.ts); more are counted in sets_overflow.
     */
    max_sets_per_name: z.number().int().min(0).max(100_000).default(200),
    /**
     * A key with more distinct values than this for one name in a job window (an identifier: user
     * ids, client addresses, paths) is left out of that name's attribute sets; its values are still
     * all recorded. Without it nearly every record was a set of its own.
     */
    max_set_values_per_key: z.number().int().min(1).max(1_000_000).default(32),
    /** Distinct (namespace, name) pairs per signal per job window; more are counted, not kept. */
    max_names: z.number().int().min(1).max(1_000_000).default(20_000),
  })
  .strict();

export type DiscoveryConfig = z.output<typeof discoveryConfigSchema>;
