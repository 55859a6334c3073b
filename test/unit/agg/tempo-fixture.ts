/**
 * Reads the Tempo service-graph test traces in ../shared/fixtures/spans (gogo-protobuf JSON: base64 ids,
 * enum-name kinds, nanosecond strings; see that folder's README) into our Span records.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attrs, Span, SpanKind } from '../../../src/core/records.js';
import { fixturesDir } from '../../helpers/paths.js';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttr {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpAttr[];
  status?: { code?: string };
}
interface OtlpFile {
  resourceSpans: { resource: { attributes?: OtlpAttr[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const KINDS: Record<string, SpanKind> = {
  SPAN_KIND_SERVER: 'server',
  SPAN_KIND_CLIENT: 'client',
  SPAN_KIND_PRODUCER: 'producer',
  SPAN_KIND_CONSUMER: 'consumer',
  SPAN_KIND_INTERNAL: 'internal',
};

function hex(b64: string | undefined): string | undefined {
  if (!b64) return undefined;
  return Buffer.from(b64, 'base64').toString('hex');
}

function attrs(list: OtlpAttr[] | undefined): Attrs {
  const out: Attrs = {};
  for (const a of list ?? []) {
    const v = a.value;
    if (v.stringValue !== undefined) out[a.key] = v.stringValue;
    else if (v.intValue !== undefined) out[a.key] = Number(v.intValue);
    else if (v.boolValue !== undefined) out[a.key] = v.boolValue;
    else if (v.doubleValue !== undefined) out[a.key] = v.doubleValue;
  }
  return out;
}

/** Nanoseconds (string) → epoch ms with microsecond precision. */
export function nanosToMs(ns: string): number {
  return Number(BigInt(ns) / 1000n) / 1000;
}

export function loadTempoFixture(file: string): Span[] {
  const doc = JSON.parse(readFileSync(join(fixturesDir, 'spans', file), 'utf8')) as OtlpFile;
  const spans: Span[] = [];
  for (const rs of doc.resourceSpans) {
    const resource = { attrs: attrs(rs.resource.attributes) };
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        const parent = hex(s.parentSpanId);
        spans.push({
          kind: 'span',
          traceId: hex(s.traceId) ?? '',
          spanId: hex(s.spanId) ?? '',
          ...(parent ? { parentSpanId: parent } : {}),
          spanKind: KINDS[s.kind] ?? 'internal',
          start: nanosToMs(s.startTimeUnixNano),
          end: nanosToMs(s.endTimeUnixNano),
          error: s.status?.code === 'STATUS_CODE_ERROR',
          name: s.name,
          attrs: attrs(s.attributes),
          resource,
        });
      }
    }
  }
  return spans;
}
