import { z } from 'zod';
import { durationField, envVarName, noInlineSecrets, streamsField } from '../config-fields.js';

export const retryPolicySchema = z
  .object({
    /** Attempts per request, the first included. */
    max_attempts: z.number().int().min(1).max(20).default(5),
    /** First backoff; doubles per attempt, with jitter. */
    initial_delay: durationField('500ms'),
    /** Cap for one backoff and for an honoured Retry-After. */
    max_delay: durationField('30s'),
  })
  .strict()
  .prefault({});

export const openobserveConfigSchema = z
  .object({
    kind: z.literal('openobserve'),
    /** OO's root URL, e.g. http://localhost:5080 (without /api). */
    url: z.url(),
    /** Organization (`/api/{org}/…`). */
    org: z.string().min(1).default('default'),
    /** User e-mail (or service account) for Basic auth; or name an env var with `user_env`. */
    user: z.string().min(1).optional(),
    user_env: envVarName.optional(),
    /** Env var holding the password or service-account token (OO rejects ingestion tokens on _search). */
    password_env: envVarName,
    /** Stream per dataset; metrics are one stream per metric name: a list, or `all` (discovered). */
    streams: streamsField,
    /** Rows per request; always sent explicitly (without it OO caps silently at 1,000). */
    page_size: z.number().int().min(1).max(1_000_000).default(5000),
    /** A window is read in time slices of at most this length. */
    slice: durationField('5m'),
    /** Client-side timeout of one HTTP request (also sent to OO as the query timeout). */
    request_timeout: durationField('60s'),
    retry: retryPolicySchema,
    /** How long a discovered list of metric streams is reused. */
    discovery_ttl: durationField('5m'),
    /** Refuse a window when more than this many rows share one microsecond (they must come in one page). */
    max_rows_per_instant: z.number().int().min(1).default(1_000_000),
    /** Aggregation push-down (oo-metrics `pushdown: true`): most series one stream's window may have. */
    pushdown_max_groups: z.number().int().min(1).max(1_000_000).default(100_000),
    ...noInlineSecrets({ password: 'password_env', token: 'password_env' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.user === undefined && c.user_env === undefined)
      ctx.addIssue({ code: 'custom', path: ['user'], message: 'set user (the OO user e-mail) or user_env' });
    if (c.slice <= 0) ctx.addIssue({ code: 'custom', path: ['slice'], message: 'must be positive' });
  });

export type OpenObserveConfig = z.output<typeof openobserveConfigSchema>;
export type RetryPolicy = z.output<typeof retryPolicySchema>;
