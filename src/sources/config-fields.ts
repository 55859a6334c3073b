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

/** Inline secret keys people write by habit, and the `*_env` field that replaces each. */
const SECRET_KEYS: Record<string, string> = {
  password: 'password_env',
  token: 'password_env',
  passcode: 'password_env',
  secret: 'password_env',
  access_key: 'access_key_env',
  secret_key: 'secret_key_env',
};

/**
 * Rejects inline secrets with a message that says what to do instead, before `.strict()` would
 * only report an "unrecognized key".
 */
export function rejectInlineSecrets(value: unknown, ctx: z.RefinementCtx): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, envKey] of Object.entries(SECRET_KEYS)) {
    if (Object.hasOwn(value, key)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `secrets are not stored in config: put it in an environment variable and name that variable in ${envKey}`,
      });
    }
  }
}
