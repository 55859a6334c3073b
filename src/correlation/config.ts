import { z } from 'zod';

/** Keys of span / log attributes: dotted OpenTelemetry-style names. */
const attrKey = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be an attribute key such as user_id or enduser.id');

/**
 * `correlation:` log ↔ trace correlation (README "Log ↔ trace correlation"). Samples are bounded per
 * summary row, so every figure derived from them is sampled, not complete.
 */
export const correlationConfigSchema = z
  .object({
    /** Business attribute keys kept on the trace samples (e.g. user_id, submission_id). */
    attributes: z.array(attrKey).max(32, 'at most 32 keys').default([]),
    /** Traces kept per log_pattern_5m row. */
    log_samples: z.number().int().min(0).max(64).default(8),
    /** Traces kept per service_call_5m edge, for failed and for healthy calls each. */
    edge_samples: z.number().int().min(0).max(64).default(8),
  })
  .strict();

export type CorrelationConfig = z.output<typeof correlationConfigSchema>;
