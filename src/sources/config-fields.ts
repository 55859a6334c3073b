import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

/** A duration written as `30s`, `5m`, `1h` (or a number of ms); parsed to ms at the config edge. */
export function durationField(defaultText: string) {
  return z
    .union([z.string(), z.number().nonnegative()])
    .default(defaultText)
    .transform((v, ctx) => {
      if (typeof v === 'number') return v;
      try {
        return parseDuration(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
        return z.NEVER;
      }
    });
}

/** The name of an environment variable that holds a secret (the secret itself never sits in config). */
export const envVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the NAME of an environment variable, e.g. OO_PASSWORD');

/** A stream name per dataset; metrics live in one stream per metric name, so they take a list or `all`. */
export const streamsField = z
  .object({
    logs: z.string().min(1).default('default'),
    traces: z.string().min(1).default('default'),
    metrics: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
  })
  .strict()
  .prefault({});
export type StreamsConfig = z.output<typeof streamsField>;

/**
 * Fields that catch secrets written inline (`password: …`) with a message that says what to do
 * instead; `.strict()` alone would only report an "unrecognized key".
 */
export function noInlineSecrets<const K extends string>(keys: Record<K, string>): Record<K, z.ZodOptional<z.ZodNever>> {
  const shape = {} as Record<K, z.ZodOptional<z.ZodNever>>;
  for (const [key, envKey] of Object.entries(keys) as [K, string][]) {
    shape[key] = z
      .never({
        error: `secrets are not stored in config: put it in an environment variable and name that variable in ${envKey}`,
      })
      .optional();
  }
  return shape;
}
