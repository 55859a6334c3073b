import { z } from 'zod';
import { INCIDENT_TARGETS } from './topology.js';

/** A point in time as ISO-8601 text or epoch ms; parsed to epoch ms. */
const instant = z.union([z.number().int(), z.string()]).transform((v, ctx) => {
  const t = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(t)) {
    ctx.addIssue({ code: 'custom', message: `not a time: '${String(v)}' (use ISO-8601, e.g. 2024-06-10T06:00:00Z)` });
    return z.NEVER;
  }
  return t;
});

export const mockIncidentSchema = z
  .object({
    /** A service (its server spans slow down and fail) or a peer: orders-db, catalog-db, users-db, redis, kafka, stripe. */
    dependency: z.string().refine((d) => INCIDENT_TARGETS.includes(d), {
      message: `unknown dependency (known: ${INCIDENT_TARGETS.join(', ')})`,
    }),
    /** Start of the incident (inclusive); open-ended when omitted. */
    from: instant.optional(),
    /** End of the incident (exclusive); open-ended when omitted. */
    to: instant.optional(),
    /** Multiplies the dependency's latency. */
    latency_factor: z.number().min(1).default(8),
    /** Share of calls to the dependency that fail. */
    error_rate: z.number().min(0).max(1).default(0.25),
  })
  .strict();

export const mockConfigSchema = z
  .object({
    kind: z.literal('mock'),
    /** Same seed, tenant and window → the same records, byte for byte. */
    seed: z.number().int().default(1),
    /** Records generated per minute of data (the seed's defaults). */
    per_minute: z
      .object({
        logs: z.number().int().min(0).default(5000),
        metrics: z.number().int().min(0).default(500),
        spans: z.number().int().min(0).default(1000),
      })
      .strict()
      .prefault({}),
    /** Multiplies every per-minute volume (benchmarks run at 100×). */
    scale: z.number().positive().default(1),
    incident: mockIncidentSchema.optional(),
  })
  .strict();

export type MockConfig = z.output<typeof mockConfigSchema>;
export type MockIncident = z.output<typeof mockIncidentSchema>;
