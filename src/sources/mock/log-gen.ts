import type { Attrs, LogRecord, Resource, Span } from '../../core/records.js';
import { LOG_TEMPLATES, type LogLine, ms } from './log-templates.js';
import { hashInts, Rng, WeightedPicker } from './prng.js';
import { OPS, PEERS_BY_NAME, SERVICE_NAMES } from './topology.js';
import { incidentActive, MINUTE_MS, type MinuteInput } from './trace-gen.js';

/** Share of a minute's log lines that belong to a trace (carry its trace and span id). */
const TRACE_SHARE = 0.2;

const templatePicker = new WeightedPicker(LOG_TEMPLATES.map((tpl) => [tpl, tpl.weight] as const));

/** Who calls whom: during an incident the callers of the dependency log timeouts. */
const CALLERS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, Set<string>>();
  const add = (target: string, caller: string): void => {
    if (!m.has(target)) m.set(target, new Set());
    m.get(target)!.add(caller);
  };
  for (const op of OPS) {
    for (const c of op.calls) add('op' in c ? c.op.split(':')[0]! : c.peer, op.service);
  }
  return new Map([...m].map(([k, v]) => [k, [...v].sort()]));
})();

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function record(ts: number, l: LogLine, resource: Resource, traceId?: string, spanId?: string): LogRecord {
  return traceId === undefined
    ? { kind: 'log', ts, body: l.body, severity: l.severity, attrs: l.attrs, resource }
    : { kind: 'log', ts, body: l.body, severity: l.severity, traceId, spanId, attrs: l.attrs, resource };
}

/**
 * Generates exactly `target` log lines for one minute, lazily. A fifth are tied to the minute's
 * spans (`spanCount` of them, walked once without being kept); the rest come from the templates.
 */
export function* generateMinuteLogs(
  input: MinuteInput,
  target: number,
  spans: Iterable<Span>,
  spanCount: number,
): Generator<LogRecord> {
  const minuteIdx = Math.floor(input.minute / MINUTE_MS);
  const rng = new Rng(hashInts(input.seedWord, minuteIdx, 0x10c5));
  const traced = spanCount > 0 ? Math.round(target * TRACE_SHARE) : 0;
  if (traced > 0) yield* traceLogs(rng, spans, spanCount, traced);
  const { deployment, incident } = input;
  const allPods = deployment.allPods;
  for (let made = traced; made < target; made++) {
    const ts = Math.floor((input.minute + rng.float() * MINUTE_MS) * 1000) / 1000;
    const tpl = templatePicker.pick(rng);
    const service = tpl.services ? rng.pick(tpl.services) : rng.pick(SERVICE_NAMES);
    const pods = deployment.pods.get(service) ?? allPods;
    const pod = rng.pick(pods);
    let l = tpl.make(rng, service);
    if (incidentActive(incident, ts)) {
      const callers = CALLERS.get(incident.dependency);
      if (callers !== undefined && rng.chance(incident.error_rate * 0.5)) {
        const caller = rng.pick(callers);
        yield record(ts, incidentLine(rng, incident.dependency), rng.pick(deployment.pods.get(caller)!).resource);
        continue;
      }
    }
    if (l.severity === 'DEBUG' && rng.chance(0.5)) l = { ...l, severity: 'INFO' };
    yield record(ts, l, pod.resource);
  }
}

function incidentLine(rng: Rng, dependency: string): LogLine {
  const peer = PEERS_BY_NAME.get(dependency);
  const host = peer ? String(peer.attrs['server.address']) : `${dependency}:50051`;
  return rng.chance(0.7)
    ? {
        severity: 'ERROR',
        body: `timeout calling ${dependency} after ${ms(rng, 2000)}ms`,
        attrs: { 'server.address': host },
      }
    : {
        severity: 'WARN',
        body: `slow response from ${dependency}: ${ms(rng, 900)}ms (threshold 250ms)`,
        attrs: { 'server.address': host },
      };
}

/**
 * Exactly `n` lines over `count` spans in one pass: each span gets floor(n/count) lines and the
 * remainder is spread by selection sampling (Knuth's algorithm S), so no span is kept around.
 * A failed span's line says what failed.
 */
function* traceLogs(rng: Rng, spans: Iterable<Span>, count: number, n: number): Generator<LogRecord> {
  const each = Math.floor(n / count);
  let extra = n % count;
  let seen = 0;
  for (const s of spans) {
    let k = each;
    if (extra > 0 && rng.float() * (count - seen) < extra) {
      k++;
      extra--;
    }
    seen++;
    for (let j = 0; j < k; j++) {
      const l = s.error && j === 0 ? errorLine(rng, s) : accessLine(rng, s);
      yield record(within(rng, s), l, s.resource, s.traceId, s.spanId);
    }
  }
}

const within = (rng: Rng, s: Span): number => round3(s.start + rng.float() * (s.end - s.start));

function errorLine(rng: Rng, s: Span): LogLine {
  const a = s.attrs;
  const dur = (s.end - s.start).toFixed(1);
  if (a['db.system'] !== undefined)
    return {
      severity: 'ERROR',
      body: `query to ${String(a['server.address'])} failed: ${String(a['error.type'])} after ${dur}ms`,
      attrs: { 'db.system': a['db.system'] },
    };
  if (a['messaging.system'] !== undefined && s.spanKind === 'producer')
    return {
      severity: 'ERROR',
      body: `publish to ${String(a['messaging.destination.name'])} failed after ${dur}ms`,
      attrs: {},
    };
  if (s.spanKind === 'client')
    return {
      severity: 'ERROR',
      body: `call ${s.name} to ${String(a['server.address'])} failed: ${String(a['error.type'])} after ${dur}ms`,
      attrs: {},
    };
  const attrs: Attrs = {};
  if (a['http.response.status_code'] !== undefined) attrs['http.response.status_code'] = a['http.response.status_code'];
  return {
    severity: rng.chance(0.9) ? 'ERROR' : 'WARN',
    body: `request ${s.name} failed: ${String(a['error.type'] ?? 'error')} after ${dur}ms`,
    attrs,
  };
}

function accessLine(rng: Rng, s: Span): LogLine {
  const a = s.attrs;
  const dur = (s.end - s.start).toFixed(1);
  if (a['url.path'] !== undefined) {
    const status = a['http.response.status_code'] ?? 200;
    return {
      severity: 'INFO',
      body: `${String(a['http.request.method'])} ${String(a['url.path'])} ${String(status)} ${dur}ms`,
      attrs: {
        'http.request.method': a['http.request.method']!,
        'url.path': a['url.path'],
        'http.response.status_code': status,
      },
    };
  }
  if (s.spanKind === 'server' || s.spanKind === 'consumer')
    return { severity: rng.chance(0.8) ? 'INFO' : 'DEBUG', body: `handled ${s.name} in ${dur}ms`, attrs: {} };
  return { severity: 'DEBUG', body: `${s.name} took ${dur}ms`, attrs: {} };
}
