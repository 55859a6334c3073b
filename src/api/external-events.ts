/**
 * Events from outside (`POST /api/events`), validated once here and normalized to one shape:
 * - an Alertmanager webhook body (version "4"): each alert is one event, keyed by its fingerprint;
 * - a CloudEvent (structured or binary mode, src/api/cloudevents.ts) whose `data` carries our fields,
 *   keyed by `source` + `data.key` (else the CloudEvent id).
 * Strings are stored verbatim; what PostgreSQL cannot store verbatim (NUL, lone surrogates) is rejected
 * with the field's path. Pure: no database access.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { normalizeLevel, SEVERITIES, type Severity } from '../patterns/severity.js';
import type { EventMeta } from './cloudevents.js';
import { badRequest } from './errors.js';
import { isoInstant, instant, parseInput } from './validate.js';

/** The body limit of POST /api/events (an Alertmanager group can carry many alerts). */
export const EXTERNAL_EVENTS_BODY_LIMIT = 1024 * 1024;
export const MAX_ALERTS = 500;
export const MAX_EVIDENCE = 100;
export const MAX_LABELS = 64;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text stored as sent: PostgreSQL text and jsonb hold neither NUL nor unpaired surrogates. */
export function storable(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), { message: 'must not contain NUL characters' })
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'must be well-formed Unicode (no lone surrogates)' });
}

const labelMap = z
  .record(storable(256).pipe(z.string().min(1, 'label names must not be empty')), storable(8192))
  .refine((m) => Object.keys(m).length <= MAX_LABELS, { message: `at most ${MAX_LABELS} entries` });

const tenantCode = z.string().min(1).max(64);
const httpUrl = storable(4096).refine((s) => /^https?:\/\/[^\s]+$/i.test(s), { message: 'must be an http(s) URL' });

export const EVIDENCE_DIMS = ['metric', 'log', 'trace', 'topo', 'kb', 'link', 'external'] as const;

/** One evidence ref: a summary row (ref_pg), an OO locator of the tenant (ref_oo), or a URL. */
export const evidenceItem = z
  .strictObject({
    dim: z.enum(EVIDENCE_DIMS).optional(),
    ref_pg: z
      .strictObject({
        table: storable(64).pipe(z.string().min(1)),
        keys: z.record(storable(128), z.union([storable(2048), z.number().finite(), z.boolean(), z.null()])),
      })
      .optional(),
    ref_oo: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    url: httpUrl.optional(),
    note: storable(4000).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.ref_pg === undefined && e.ref_oo === undefined && e.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ref_pg'], message: 'give ref_pg, ref_oo or url' });
    }
    if (e.url !== undefined && e.ref_pg !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'a url ref cannot carry ref_pg too' });
    }
  });

export type EvidenceItem = z.output<typeof evidenceItem>;

const alertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: labelMap.optional(),
  startsAt: isoInstant,
  endsAt: isoInstant.optional(),
  generatorURL: z.union([z.literal(''), httpUrl]).optional(),
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{1,64}$/i, 'must be hexadecimal')
    .optional(),
});

/** Alertmanager's webhook payload (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const alertmanagerBody = z.looseObject({
  version: z.literal('4', { message: "must be '4' (Alertmanager webhook)" }),
  groupKey: storable(8192).optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: storable(256).optional(),
  groupLabels: labelMap.optional(),
  commonLabels: labelMap.optional(),
  commonAnnotations: labelMap.optional(),
  externalURL: z.union([z.literal(''), httpUrl]).optional(),
  alerts: z.array(alertSchema).min(1, 'must hold at least one alert').max(MAX_ALERTS, `at most ${MAX_ALERTS} alerts`),
});

/** `data` of a CloudEvent posted to /api/events. */
export const cloudEventData = z.strictObject({
  tenant: tenantCode.optional(),
  /** Events with the same source and key are one event: send it again to update or resolve it. */
  key: storable(512).pipe(z.string().min(1)).optional(),
  status: z.enum(['open', 'resolved']).default('open'),
  severity: z.enum(SEVERITIES).default('WARN'),
  kind: storable(64).pipe(z.string().min(1)).optional(),
  title: storable(1024).pipe(z.string().min(1, 'must not be empty')),
  summary: storable(16_384).optional(),
  labels: labelMap.optional(),
  /** The URN of the resource it is about (dim_resource), when known. */
  resource: storable(1024).optional(),
  value: z.number().finite().optional(),
  started_at: instant.optional(),
  ended_at: instant.optional(),
  evidence: z.array(evidenceItem).max(MAX_EVIDENCE, `at most ${MAX_EVIDENCE} refs`).optional(),
});

/** One event to write, whatever it came as. `field`: where it came from in the request (for errors). */
export interface ExternalEvent {
  field: string;
  tenant: string;
  source: 'alertmanager' | 'cloudevent';
  externalId: string;
  status: 'open' | 'resolved';
  severity: Severity;
  kind: string;
  title: string;
  summary: string | null;
  labels: Record<string, unknown>;
  resourceUrn: string | null;
  value: number | null;
  startedAt: number;
  /** Set when resolved. */
  endedAt: number | null;
  evidence: EvidenceItem[];
}

/** The tenant of one event: the query's, else the event's own; both given and different is an error. */
function tenantOf(query: string | undefined, own: string | undefined, field: string): string {
  if (own !== undefined && query !== undefined && own !== query) {
    throw badRequest(field, 'names another tenant than the request (tenant query parameter)');
  }
  const t = query ?? own;
  if (t === undefined) {
    throw badRequest('tenant', 'is required: the tenant query parameter, or the event’s own tenant field or label');
  }
  if (t.length === 0 || t.length > 64) throw badRequest(field, 'must be a tenant code (1–64 characters)');
  return t;
}

/** Alertmanager's "no end" (0001-01-01T00:00:00Z) and any time before the epoch mean unset. */
const realTime = (t: number | undefined): number | null => (t === undefined || t <= 0 ? null : t);

export function fromAlertmanager(body: unknown, queryTenant: string | undefined, now: number): ExternalEvent[] {
  const b = parseInput(alertmanagerBody, body);
  return b.alerts.map((a, i) => {
    const field = `alerts[${i}]`;
    const labels = { ...(b.commonLabels ?? {}), ...a.labels };
    const annotations = { ...(b.commonAnnotations ?? {}), ...(a.annotations ?? {}) };
    const own = a.labels.tenant ?? b.commonLabels?.tenant;
    const tenant = tenantOf(
      queryTenant,
      own,
      a.labels.tenant !== undefined ? `${field}.labels.tenant` : 'commonLabels.tenant',
    );
    const fingerprint = a.fingerprint ?? labelFingerprint(a.labels);
    const resolved = a.status === 'resolved';
    const evidence: EvidenceItem[] = [];
    if (a.generatorURL) evidence.push({ dim: 'link', url: a.generatorURL, note: 'generatorURL' });
    const runbook = annotations.runbook_url;
    if (runbook !== undefined && /^https?:\/\/\S+$/i.test(runbook))
      evidence.push({ dim: 'link', url: runbook, note: 'runbook_url' });
    const title = annotations.summary ?? a.labels.alertname ?? 'alert';
    return {
      field,
      tenant,
      source: 'alertmanager',
      externalId: fingerprint,
      status: resolved ? 'resolved' : 'open',
      severity: normalizeLevel(labels.severity ?? null) ?? 'WARN',
      kind: 'alert',
      title: title.length > 0 ? title : 'alert',
      summary: annotations.description ?? annotations.message ?? null,
      labels: {
        labels: a.labels,
        annotations: a.annotations ?? {},
        ...(b.receiver !== undefined ? { receiver: b.receiver } : {}),
        ...(b.groupKey !== undefined ? { group_key: b.groupKey } : {}),
        ...(b.externalURL ? { external_url: b.externalURL } : {}),
      },
      resourceUrn: labels.urn ?? null,
      value: null,
      startedAt: a.startsAt,
      endedAt: resolved ? (realTime(a.endsAt) ?? now) : null,
      evidence,
    } satisfies ExternalEvent;
  });
}

/** Alertmanager's fingerprint is a hash of the label set; an alert without one gets ours, as stable. */
function labelFingerprint(labels: Record<string, string>): string {
  const h = createHash('sha256');
  for (const k of Object.keys(labels).sort()) h.update(`${k}\u0000${labels[k]}\u0000`);
  return h.digest('hex').slice(0, 16);
}

export function fromCloudEvent(
  meta: EventMeta,
  payload: unknown,
  prefix: string,
  queryTenant: string | undefined,
  now: number,
): ExternalEvent {
  const d = parseInput(cloudEventData, payload, prefix);
  for (const [name, v] of [
    ['source', meta.source],
    ['id', meta.id],
    ['type', meta.type],
    ['subject', meta.subject ?? ''],
  ] as const) {
    const check = storable(2048).safeParse(v);
    if (!check.success) throw badRequest(name, check.error.issues[0]!.message);
  }
  const tenant = tenantOf(queryTenant, d.tenant, `${prefix}.tenant`);
  const time = meta.time !== undefined ? Date.parse(meta.time) : NaN;
  const started = d.started_at ?? (Number.isFinite(time) ? time : now);
  const resolved = d.status === 'resolved';
  return {
    field: prefix,
    tenant,
    source: 'cloudevent',
    externalId: `${meta.source}#${d.key ?? meta.id}`,
    status: d.status,
    severity: d.severity,
    kind: d.kind ?? 'cloudevent',
    title: d.title,
    summary: d.summary ?? null,
    labels: {
      ...(d.labels !== undefined ? { labels: d.labels } : {}),
      cloudevent: {
        id: meta.id,
        source: meta.source,
        type: meta.type,
        ...(meta.subject !== undefined ? { subject: meta.subject } : {}),
      },
    },
    resourceUrn: d.resource ?? null,
    value: d.value ?? null,
    startedAt: started,
    endedAt: resolved ? (d.ended_at ?? now) : null,
    evidence: d.evidence ?? [],
  };
}
