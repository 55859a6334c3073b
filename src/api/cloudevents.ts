/**
 * CloudEvents 1.0 over HTTP, the two single-event modes (spec: http-protocol-binding.md §3.1, §3.2):
 * - structured: `Content-Type: application/cloudevents+json`, the whole event in the body, the payload
 *   in `data` (or `data_base64`);
 * - binary: the attributes in `ce-*` headers, the payload is the body (`application/json`).
 * A body without `ce-*` headers and with `Content-Type: application/json` is a plain request.
 * Pure: takes the parsed request parts, returns the payload or throws a 400.
 */
import { z } from 'zod';
import { ApiError, badRequest } from './errors.js';
import { parseInput } from './validate.js';

export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
/** The event type this service documents for enqueue requests (any type is accepted). */
export const ENQUEUE_EVENT_TYPE = 'io.observebridge.window.enqueue';

export type RequestMode = 'plain' | 'structured' | 'binary';

export interface EventMeta {
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
}

export interface Extracted {
  mode: RequestMode;
  payload: unknown;
  /** Present for CloudEvents. */
  event?: EventMeta;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
/** Attribute names: lowercase letters and digits (spec §3.1.1 "Attribute Naming Convention"). */
const ATTR_NAME = /^[a-z0-9]{1,20}$/;

const core = {
  specversion: z.literal('1.0', { message: "must be '1.0'" }),
  id: z.string().min(1, 'must not be empty').max(256),
  source: z.string().min(1, 'must not be empty').max(2048),
  type: z.string().min(1, 'must not be empty').max(256),
  subject: z.string().max(1024).optional(),
  time: z.string().regex(RFC3339, 'must be an RFC 3339 timestamp').optional(),
  datacontenttype: z.string().max(256).optional(),
  dataschema: z.string().max(2048).optional(),
};

const structuredSchema = z
  .looseObject({ ...core, data: z.unknown().optional(), data_base64: z.string().max(1_000_000).optional() })
  .superRefine((ev, ctx) => {
    for (const [k, v] of Object.entries(ev)) {
      if (k === 'data' || k === 'data_base64') continue;
      if (!ATTR_NAME.test(k)) {
        ctx.addIssue({ code: 'custom', path: [k], message: 'attribute names are lowercase letters and digits (1–20)' });
      } else if (!(k in core) && !['string', 'number', 'boolean'].includes(typeof v)) {
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: 'an extension attribute must be a string, number or boolean',
        });
      }
    }
  });

function isJsonType(ct: string | undefined): boolean {
  if (ct === undefined) return true;
  const base = ct.split(';')[0]!.trim().toLowerCase();
  return base === 'application/json' || base.endsWith('+json') || base === 'text/json';
}

/** The media type without parameters, lowercased. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Picks the request mode from the Content-Type and the `ce-*` headers, validates the envelope. */
export function extractPayload(headers: Record<string, string | string[] | undefined>, body: unknown): Extracted {
  const ct = mediaType(header(headers, 'content-type'));
  if (ct === CLOUDEVENTS_JSON) return structured(body);
  const ceHeaders = Object.keys(headers).filter((h) => h.toLowerCase().startsWith('ce-'));
  if (ceHeaders.length > 0) return binary(headers, body);
  return { mode: 'plain', payload: body };
}

function structured(body: unknown): Extracted {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('(event)', 'a structured CloudEvent must be a JSON object');
  }
  const ev = parseInput(structuredSchema, body);
  if (!isJsonType(ev.datacontenttype)) {
    throw new ApiError(415, 'unsupported_media_type', 'datacontenttype: the payload must be JSON', 'datacontenttype');
  }
  if (ev.data !== undefined && ev.data_base64 !== undefined) {
    throw badRequest('data_base64', 'an event carries data or data_base64, not both');
  }
  let payload: unknown = ev.data;
  if (ev.data_base64 !== undefined) {
    try {
      payload = JSON.parse(Buffer.from(ev.data_base64, 'base64').toString('utf8'));
    } catch {
      throw badRequest('data_base64', 'must be base64 of a JSON document');
    }
  }
  if (payload === undefined) throw badRequest('data', 'is required (the enqueue request)');
  return { mode: 'structured', payload, event: meta(ev) };
}

function binary(headers: Record<string, string | string[] | undefined>, body: unknown): Extracted {
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (!name.startsWith('ce-')) continue;
    if (Array.isArray(v)) throw badRequest(name, 'must be sent once');
    if (v !== undefined) attrs[name.slice(3)] = decodeHeader(v, name);
  }
  const ev = parseInput(
    z.looseObject(core).superRefine((a, ctx) => {
      for (const k of Object.keys(a)) {
        if (!ATTR_NAME.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'invalid attribute name' });
      }
    }),
    attrs,
    'ce-',
  );
  return { mode: 'binary', payload: body, event: meta(ev) };
}

/** Header values are percent-encoded where they carry non-ASCII (spec §3.1.3.2). */
function decodeHeader(v: string, name: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    throw badRequest(name, 'is not a valid percent-encoded value');
  }
}

function meta(ev: { id: string; source: string; type: string; subject?: string; time?: string }): EventMeta {
  return {
    id: ev.id,
    source: ev.source,
    type: ev.type,
    ...(ev.subject !== undefined ? { subject: ev.subject } : {}),
    ...(ev.time !== undefined ? { time: ev.time } : {}),
  };
}
