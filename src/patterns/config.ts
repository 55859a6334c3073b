/**
 * The `patterns:` section of the configuration, validated once at the edge. Every field is optional;
 * the defaults are the ones measured in bench/drain/ACCURACY.md (one configuration for all sources).
 *
 * ```yaml
 * patterns:
 *   simThreshold: 0.7
 *   ignoredFields: [request_id, trace_id]
 *   masking:
 *     builtins: { path: false, ip: '<IP>' }
 *     rules: [{ name: order, pattern: 'ORD-\d+', token: '<ORDER>' }]
 * ```
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { DrainOptions } from './drain.js';
import { BUILTIN_MASKS, type MaskingOptions } from './masking.js';

const maskToken = z.string().regex(/^<(?:\*|[A-Z][A-Z0-9_]*)>$/, 'must look like <*> or <NAME>');

const builtinsShape = Object.fromEntries(
  BUILTIN_MASKS.map((b) => [b, z.union([z.boolean(), maskToken]).optional()]),
) as Record<(typeof BUILTIN_MASKS)[number], z.ZodOptional<z.ZodUnion<[z.ZodBoolean, typeof maskToken]>>>;

export const patternsConfigSchema = z
  .object({
    depth: z.number().int().min(3).max(16).optional(),
    simThreshold: z.number().min(0).max(1).optional(),
    maxChildren: z.number().int().min(2).optional(),
    maxClusters: z.number().int().min(0).optional(),
    siblingSearch: z.boolean().optional(),
    lastTokenLiteral: z.boolean().optional(),
    maxLineLength: z.number().int().min(16).optional(),
    /** Keys dropped from `key=value` tokens and from the attrs schema. */
    ignoredFields: z.array(z.string().min(1)).optional(),
    /** For JSON bodies: the field that holds the message, first present wins. */
    messageFields: z.array(z.string().min(1)).optional(),
    /** How a numeric record level is read. */
    levelScheme: z.enum(['otel', 'syslog', 'pino']).optional(),
    /** Sample messages are cut to this many characters. */
    maxSampleLength: z.number().int().min(16).optional(),
    /** Attribute keys kept per pattern in attrs_schema. */
    maxAttrs: z.number().int().min(0).optional(),
    masking: z
      .object({
        builtins: z.object(builtinsShape).strict().optional(),
        rules: z
          .array(
            z
              .object({
                name: z.string().optional(),
                pattern: z.string().min(1),
                flags: z
                  .string()
                  .regex(/^[imsuy]*$/)
                  .optional(),
                token: maskToken.optional(),
              })
              .strict(),
          )
          .optional(),
        extraDelimiters: z.array(z.string().min(1)).optional(),
        stripHeader: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type PatternsConfig = z.infer<typeof patternsConfigSchema>;

/** Validates the `patterns:` section; every problem is reported with its path. */
export function parsePatternsConfig(raw: unknown, where = 'patterns'): PatternsConfig {
  const r = patternsConfigSchema.safeParse(raw ?? {});
  if (r.success) {
    // Regexes are compiled here too, so a bad one fails at startup rather than on the first line.
    for (const [i, rule] of (r.data.masking?.rules ?? []).entries()) {
      try {
        new RegExp(rule.pattern, `g${rule.flags ?? ''}`);
      } catch (e) {
        throw new ConfigError(`config: ${where}.masking.rules.${i}.pattern: ${(e as Error).message}`);
      }
    }
    return r.data;
  }
  const problems = r.error.issues.map((i) => `config: ${[where, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new ConfigError(problems.join('\n'), problems);
}

/** The miner options a config section stands for. */
export function drainOptionsFrom(cfg: PatternsConfig = {}): DrainOptions {
  const masking: MaskingOptions = {
    ...cfg.masking,
    ignoredFields: cfg.ignoredFields,
  };
  return {
    depth: cfg.depth,
    simThreshold: cfg.simThreshold,
    maxChildren: cfg.maxChildren,
    maxClusters: cfg.maxClusters,
    siblingSearch: cfg.siblingSearch,
    lastTokenLiteral: cfg.lastTokenLiteral,
    maxLineLength: cfg.maxLineLength,
    masking,
  };
}
