import { z } from 'zod';
import { durationField, envVarName, noInlineSecrets, streamsField } from '../config-fields.js';
import { LAYOUTS, parseLayout } from './layout.js';

const s3Storage = z
  .object({
    type: z.literal('s3'),
    bucket: z.string().min(1),
    region: z.string().min(1).default('us-east-1'),
    /** For S3-compatible stores (MinIO, …); AWS when omitted. */
    endpoint: z.url().optional(),
    force_path_style: z.boolean().default(false),
    /** Env vars with credentials; without them the AWS default chain applies (env, profile, role). */
    access_key_env: envVarName.optional(),
    secret_key_env: envVarName.optional(),
    session_token_env: envVarName.optional(),
    ...noInlineSecrets({ access_key: 'access_key_env', secret_key: 'secret_key_env' }),
  })
  .strict();

const folderStorage = z
  .object({
    type: z.literal('folder'),
    /** A local folder with the same layout as the bucket (e.g. OO's data/openobserve/stream in local mode). */
    path: z.string().min(1),
  })
  .strict();

export const objectstoreConfigSchema = z
  .object({
    kind: z.literal('objectstore'),
    storage: z.discriminatedUnion('type', [s3Storage, folderStorage]),
    /** OO organization ({org} in the layout). */
    org: z.string().min(1).default('default'),
    /** Key prefix before the layout (OO's ZO_S3_BUCKET_PREFIX). */
    prefix: z.string().default(''),
    /** `openobserve`, `hive`, or a template with {org} {stream_type} {dataset} {stream} {YYYY} {MM} {DD} {HH} {mi}. */
    layout: z
      // An already parsed layout is accepted too, so parsing a parsed config changes nothing.
      .union([
        z.string(),
        z
          .object({ template: z.string() })
          .passthrough()
          .transform((l) => l.template),
      ])
      .default('openobserve')
      .transform((v, ctx) => {
        const parsed = parseLayout(v in LAYOUTS ? LAYOUTS[v as keyof typeof LAYOUTS] : v);
        if (typeof parsed === 'string') {
          ctx.addIssue({ code: 'custom', message: `layout '${v}': ${parsed}` });
          return z.NEVER;
        }
        return parsed;
      }),
    streams: streamsField,
    /** Also list partitions this far outside the window (layouts partitioned by arrival time). */
    partition_slack: durationField('0s'),
    /** Files up to this size are fetched in one request; larger parquet files by byte ranges. */
    whole_file_max_bytes: z
      .number()
      .int()
      .min(0)
      .default(64 * 1024 * 1024),
  })
  .strict();

export type ObjectstoreConfig = z.output<typeof objectstoreConfigSchema>;
