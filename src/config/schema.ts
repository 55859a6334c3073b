import { z } from 'zod';
import { isDuration, parseDuration } from '../core/duration.js';
import { opsConfigSchema } from '../ops/config.js';
import { rulesSectionSchema } from '../rules/section.js';
import { kbConfigSchema } from '../kb/config.js';
import { correlationConfigSchema } from '../correlation/config.js';
import { discoveryConfigSchema } from '../discovery/config.js';

/** A duration string (`30s`, `5m`, `1h`, `7d`) parsed to milliseconds. */
export const duration = z
  .string()
  .refine(isDuration, { message: 'must be a duration such as 30s, 5m, 1h or 7d' })
  .transform((s) => parseDuration(s));

const code = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must start with a letter or digit and hold only letters, digits, _ . -');

export const retrySchema = z
  .object({
    attempts: z.number().int().min(1).max(100).optional(),
    base: duration.optional(),
    factor: z.number().min(1).max(10).optional(),
    max: duration.optional(),
  })
  .strict();

export const circuitSchema = z
  .object({
    failures: z.number().int().min(1).max(1000).optional(),
    cooldown: duration.optional(),
  })
  .strict();

/** Per-job overrides; defaults come from each job's definition in code. */
export const jobOverrideSchema = z
  .object({
    enabled: z.boolean().optional(),
    align: duration.optional(),
    delay: duration.optional(),
    concurrency: z.number().int().min(1).max(64).optional(),
    timeout: duration.optional(),
    retry: retrySchema.optional(),
    circuit: circuitSchema.optional(),
    /** Re-run a window again at these ages after its end (late data), e.g. [15m, 1h, 6h]. */
    revisit: z.array(duration).max(10).optional(),
    /** Job-specific settings (e.g. oo-metrics.series_labels, oo-logs.drain). */
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const sourceRef = z.union([
  z.string().min(1),
  z.object({ kind: z.string().min(1, 'must name a source kind') }).passthrough(),
]);

export const tenantSchema = z
  .object({
    code,
    name: z.string().min(1).max(200).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    /** The name of an entry of `sources`, or an inline source config. */
    source: sourceRef,
    /** Where to start when a job has never succeeded for this tenant: `default` or per job name. */
    initial_lookback: z.record(z.string(), duration).optional(),
    jobs: z.record(z.string(), jobOverrideSchema).optional(),
    /** Topology inputs for topo-iac / topo-ansible. */
    topology: z
      .object({
        terraform: z.array(z.string()).optional(),
        pulumi: z.array(z.string()).optional(),
        snapshot: z.array(z.string()).optional(),
        ansible: z.array(z.string()).optional(),
        playbook_dir: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const configSchema = z
  .object({
    database: z
      .object({
        /** postgres:// URL (server) or a PGlite data directory. Env DATABASE_URL overrides; --db wins. */
        url: z.string().min(1).optional(),
        pool_size: z.number().int().min(1).max(100).optional(),
        capabilities: z
          .object({
            timescaledb: z.enum(['auto', 'off']).optional(),
            age: z.enum(['auto', 'off']).optional(),
            vector: z.enum(['auto', 'off']).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    http: z
      .object({
        enabled: z.boolean().optional(),
        listen: z
          .string()
          .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be HOST:PORT')
          .optional(),
        body_limit_bytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .optional(),
      })
      .strict()
      .default({}),
    scheduler: z
      .object({
        tick: duration.optional(),
        max_enqueue_per_tick: z.number().int().min(1).max(100_000).optional(),
        lease: duration.optional(),
        workers: z.number().int().min(1).max(256).optional(),
        /**
         * `run`: JS threads of one process, each with its own Runtime and pool on the same server
         * queue (src/runner/threads.ts). Over 1 needs a PostgreSQL server: PGlite is in-process.
         */
        threads: z.number().int().min(1).max(64).optional(),
      })
      .strict()
      .default({}),
    retention: z
      .object({
        metric_1m: duration.optional(),
        service_call_5m: duration.optional(),
        log_pattern_5m: duration.optional(),
        etl_job_run: duration.optional(),
      })
      .strict()
      .default({}),
    logging: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional() })
      .strict()
      .default({}),
    /** Log template mining (Drain + masking): src/patterns/config.ts validates it. */
    patterns: z.record(z.string(), z.unknown()).optional(),
    correlation: correlationConfigSchema.prefault({}),
    discovery: discoveryConfigSchema.prefault({}),
    sources: z.record(z.string(), z.object({ kind: z.string().min(1) }).passthrough()).default({}),
    tenants: z.array(tenantSchema).min(1, 'at least one tenant is required'),
    jobs: z.record(z.string(), jobOverrideSchema).default({}),
    /** The OPS agent (src/ops/config.ts). */
    ops: opsConfigSchema.default({}),
    /** Rules over the summaries (events with evidence): src/rules/config.ts validates each rule. */
    rules: rulesSectionSchema,
    /** Knowledge base: src/kb/config.ts. */
    kb: kbConfigSchema.default({}),
  })
  .strict();

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type JobOverride = z.output<typeof jobOverrideSchema>;
export type TenantConfig = z.output<typeof tenantSchema>;
