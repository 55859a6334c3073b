import { z } from 'zod';
import { isDuration, parseDuration } from '../core/duration.js';
import { ApiError } from './errors.js';

/** `a.b[2].c` from a zod issue path, under a prefix (`query`, `data`, ...). */
function fieldOf(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      // Key names come from the client: bounded, so an error body stays small.
      const k = String(p).length > 64 ? `${String(p).slice(0, 64)}…` : String(p);
      out += out === '' || out.endsWith('-') ? k : `.${k}`; // `ce-` + `id`: a header name
    }
  }
  return out || '(body)';
}

/** The validation error: the first problem as field + reason, every problem listed. */
export class ValidationError extends ApiError {
  constructor(field: string, reason: string, problems: string[]) {
    super(400, 'invalid_request', `${field}: ${reason}`, field, problems);
  }
}

/**
 * Validates outside input once, at the edge. Zod's messages name the expected type or bound, never
 * the received value, so a rejected secret is not echoed back.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${issueField(prefix, i)}: ${reason(i)}`);
  const first = r.error.issues[0]!;
  throw new ValidationError(issueField(prefix, first), reason(first), problems);
}

/** An unknown key is reported at the key itself (`query.extra`), not at its parent object. */
function issueField(prefix: string, i: z.core.$ZodIssue): string {
  if (i.code === 'unrecognized_keys' && i.keys.length === 1) return fieldOf(prefix, [...i.path, i.keys[0]!]);
  return fieldOf(prefix, i.path);
}

function reason(i: z.core.$ZodIssue): string {
  if (i.code === 'invalid_union' && i.errors.length > 0) {
    // The option whose type matched says what is wrong with the value (`from: must be ISO 8601...`).
    const matched = i.errors.find((errs) => errs.length > 0 && errs.every((e) => e.code !== 'invalid_type'));
    if (matched) return reason(matched[0]!);
    const all = i.errors.flat();
    if (all.length > 0 && all.every((e) => /received undefined$/.test(e.message))) return 'is required';
    return 'has the wrong type';
  }
  if (i.code === 'unrecognized_keys') {
    return i.keys.length === 1 ? 'unknown field' : `unknown fields ${i.keys.map((k) => `'${k}'`).join(', ')}`;
  }
  // Zod 4 reports a missing key as `expected X, received undefined` (the input itself is not kept).
  if (i.code === 'invalid_type' && /received undefined$/.test(i.message)) return 'is required';
  return i.message;
}

/** ISO 8601 with an explicit zone (`2026-06-10T06:00:00Z`, `...+02:00`); a bare local time is ambiguous. */
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant as ISO 8601 text with a zone, parsed to epoch ms. */
export const isoInstant = z
  .string()
  .max(40)
  .refine((s) => ISO_RE.test(s) && Number.isFinite(Date.parse(s)), {
    message: 'must be an ISO 8601 time with a zone, e.g. 2026-06-10T06:00:00Z',
  })
  .transform((s) => Date.parse(s));

/** An instant as ISO text or epoch milliseconds (JSON bodies). */
export const instant = z.union([
  isoInstant,
  z.number().int('must be an ISO 8601 time or integer epoch milliseconds').min(0).max(8_640_000_000_000_000),
]);

/** A duration string (`30m`, `1h`, `7d`) within (0, max]. */
export function durationParam(maxMs: number, maxText: string): z.ZodType<number, string> {
  return z
    .string()
    .max(20)
    .refine(isDuration, { message: 'must be a duration such as 30m, 1h or 7d' })
    .transform((s) => parseDuration(s))
    .refine((ms) => ms > 0 && ms <= maxMs, { message: `must be more than 0 and at most ${maxText}` });
}

/** An integer query parameter within [min, max], with a default. */
export function intParam(min: number, max: number, dflt: number): z.ZodType<number, string | undefined> {
  return z
    .string()
    .regex(/^\d{1,9}$/, 'must be a non-negative integer')
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `must be from ${min} to ${max}` })
    .optional()
    .transform((n) => n ?? dflt);
}

/** Opaque page cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor<T extends readonly unknown[]>(text: string, check: (v: unknown) => v is T): T {
  let v: unknown;
  try {
    v = text.length <= 2048 ? JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) : undefined;
  } catch {
    v = undefined;
  }
  if (!check(v))
    throw new ApiError(
      400,
      'invalid_request',
      'cursor: malformed; pass the `next` value of the previous page',
      'cursor',
    );
  return v;
}
