import { z } from 'zod';

const patterns = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

export const DEFAULT_PATTERNS = [
  '**/*.json',
  '**/*.jsonl',
  '**/*.ndjson',
  '**/*.json.gz',
  '**/*.jsonl.gz',
  '**/*.ndjson.gz',
];

export const fileConfigSchema = z
  .object({
    kind: z.literal('file'),
    /** Folder with the files (read recursively). */
    path: z.string().min(1),
    /**
     * Which files hold which dataset (globs relative to `path`: `*`, `**`, `?`, `{a,b}`). When a
     * dataset has none, every JSON/NDJSON file is read and lines are sorted by their shape.
     */
    files: z
      .object({ logs: patterns.optional(), metrics: patterns.optional(), traces: patterns.optional() })
      .strict()
      .prefault({}),
    /** `otlp` (OTel Collector file exporter), `ndjson` (records or OO-style rows) or `auto` per line. */
    format: z.enum(['auto', 'otlp', 'ndjson']).default('auto'),
  })
  .strict();

export type FileConfig = z.output<typeof fileConfigSchema>;
