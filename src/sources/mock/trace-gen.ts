import type { Attrs, Span, SpanKind } from '../../core/records.js';
import type { MockIncident } from './config.js';
import { hashInts, hex32, Rng, WeightedPicker } from './prng.js';
import {
  CONSUMERS,
  type Deployment,
  ENTRY_POINTS,
  HEALTHCHECK_OP,
  type OpDef,
  OPS_BY_ID,
  type PeerDef,
  PEERS_BY_NAME,
  type Pod,
  SERVICES,
} from './topology.js';

export const MINUTE_MS = 60_000;
/** Every trace fits inside its minute, so a minute's records never spill into the next window. */
const MAX_TRACE_MS = 59_000;

export interface MinuteInput {
  /** Hash of (seed, tenant): everything a tenant sees derives from it. */
  seedWord: number;
  /** Start of the minute, epoch ms (a multiple of 60 000). */
  minute: number;
  deployment: Deployment;
  incident?: MockIncident;
}

const entryPicker = new WeightedPicker(ENTRY_POINTS.map(([id, w]) => [OPS_BY_ID.get(id)!, w] as const));
const nsOf = new Map(SERVICES.map((s) => [s.name, s.namespace]));
const protocolOf = new Map(SERVICES.map((s) => [s.name, s.protocol]));

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function incidentActive(incident: MockIncident | undefined, t: number): incident is MockIncident {
  return (
    incident !== undefined &&
    (incident.from === undefined || t >= incident.from) &&
    (incident.to === undefined || t < incident.to)
  );
}

/** Trace ids are 128 bits from four independent hashes, so they do not repeat across minutes or tenants. */
export function traceIdFor(seedWord: number, minuteIdx: number, i: number): string {
  return (
    hex32(hashInts(seedWord, minuteIdx, i, 1)) +
    hex32(hashInts(seedWord, minuteIdx, i, 2)) +
    hex32(hashInts(seedWord, minuteIdx, i, 3)) +
    hex32(hashInts(seedWord, minuteIdx, i, 4))
  );
}

/** Users of a tenant: 20 000 ids, so one user has several traces a day. */
export function userIdFor(seedWord: number, minuteIdx: number, i: number): string {
  return `U${100_000 + (hashInts(seedWord, minuteIdx, i, 5) % 20_000)}`;
}

/**
 * Generates exactly `target` spans for one minute, lazily (records stay short-lived, which keeps
 * the garbage collector cheap at benchmark volumes): whole traces from weighted entry points while
 * they fit, then single-span health checks (as kubelet probes would produce) to fill up.
 */
export function* generateMinuteSpans(input: MinuteInput, target: number): Generator<Span> {
  const minuteIdx = Math.floor(input.minute / MINUTE_MS);
  const healthcheck = OPS_BY_ID.get(HEALTHCHECK_OP)!;
  let made = 0;
  let i = 0;
  while (made < target) {
    const remaining = target - made;
    let spans = buildTrace(input, minuteIdx, i++, undefined);
    // Too big for what is left: a health check (one span) instead.
    if (spans.length > remaining) spans = buildTrace(input, minuteIdx, i++, healthcheck);
    made += spans.length;
    yield* spans;
  }
}

function buildTrace(input: MinuteInput, minuteIdx: number, i: number, forced: OpDef | undefined): Span[] {
  const rng = new Rng(hashInts(input.seedWord, minuteIdx, i, 0));
  const u = rng.float();
  const approxStart = input.minute + u * MINUTE_MS;
  const incident = incidentActive(input.incident, approxStart) ? input.incident : undefined;
  // A business attribute every span of a user's trace carries (as baggage would): derived from a hash,
  // not drawn from rng, so adding it left every other generated value unchanged.
  const user = forced ? undefined : userIdFor(input.seedWord, minuteIdx, i);
  const b = new TraceBuilder(rng, traceIdFor(input.seedWord, minuteIdx, i), input.deployment, incident, user);
  const root = forced ?? entryPicker.pick(rng);
  b.visitOp(root, undefined, 0, 'server', forced ? { 'user_agent.original': 'kube-probe/1.29' } : undefined);
  // Place the trace inside the minute: shift by a random offset that keeps its end in the minute.
  let extent = 0;
  for (const s of b.spans) if (s.end > extent) extent = s.end;
  const scale = extent > MAX_TRACE_MS ? MAX_TRACE_MS / extent : 1;
  const offset = input.minute + u * Math.max(0, MAX_TRACE_MS - extent * scale);
  for (const s of b.spans) {
    s.start = round3(offset + s.start * scale);
    s.end = Math.max(s.start, round3(offset + s.end * scale));
  }
  return b.spans;
}

interface VisitResult {
  end: number;
  error: boolean;
}

class TraceBuilder {
  readonly spans: Span[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly traceId: string,
    private readonly deployment: Deployment,
    private readonly incident: MockIncident | undefined,
    private readonly user: string | undefined,
  ) {}

  private pod(service: string): Pod {
    return this.rng.pick(this.deployment.pods.get(service)!);
  }

  /** Heavy tail on top of the log-normal: 1% of calls take 3–15× longer (GC, lock waits, retries). */
  private latency(median: number, sigma: number): number {
    let d = this.rng.lognormal(median, sigma);
    if (this.rng.chance(0.01)) d *= 3 + this.rng.float() * 12;
    return d;
  }

  private push(
    pod: Pod,
    spanKind: SpanKind,
    name: string,
    parentSpanId: string | undefined,
    start: number,
    attrs: Attrs,
  ): Span {
    if (this.user !== undefined) attrs['user_id'] = this.user;
    const span: Span =
      parentSpanId === undefined
        ? {
            kind: 'span',
            traceId: this.traceId,
            spanId: this.rng.hex16(),
            spanKind,
            start,
            end: start,
            error: false,
            name,
            attrs,
            resource: pod.resource,
          }
        : {
            kind: 'span',
            traceId: this.traceId,
            spanId: this.rng.hex16(),
            parentSpanId,
            spanKind,
            start,
            end: start,
            error: false,
            name,
            attrs,
            resource: pod.resource,
          };
    this.spans.push(span);
    return span;
  }

  visitOp(
    op: OpDef,
    parentSpanId: string | undefined,
    start: number,
    kind: 'server' | 'consumer',
    extra?: Attrs,
  ): VisitResult {
    const pod = this.pod(op.service);
    const slow = this.incident?.dependency === op.service ? this.incident : undefined;
    const attrs: Attrs = {};
    const name = kind === 'consumer' ? `${String(extra?.['messaging.destination.name'])} process` : op.name;
    const span = this.push(pod, kind, name, parentSpanId, start, attrs);
    let self = this.latency(op.selfMs, op.sigma) * (slow ? slow.latency_factor : 1);
    let cursor = start + self * 0.3;
    let childFailed = false;
    calls: for (const call of op.calls) {
      if (call.p !== undefined && !this.rng.chance(call.p)) continue;
      const times = call.times ? this.rng.range(call.times[0], call.times[1]) : 1;
      for (let k = 0; k < times; k++) {
        const r =
          'op' in call
            ? this.callService(pod, span.spanId, OPS_BY_ID.get(call.op)!, cursor + 0.02)
            : this.callPeer(pod, span.spanId, PEERS_BY_NAME.get(call.peer)!, call.span, call.attrs, cursor + 0.02);
        cursor = r.end;
        if (r.error) {
          childFailed = true;
          // Half of the callers give up on the first failed dependency; the rest carry on degraded.
          if (this.rng.chance(0.5)) break calls;
        }
      }
    }
    self *= 0.7;
    const end = cursor + self;
    const error =
      this.rng.chance(op.errorRate) ||
      (slow !== undefined && this.rng.chance(slow.error_rate)) ||
      (childFailed && this.rng.chance(0.8));
    span.end = end;
    span.error = error;
    if (kind === 'consumer') {
      Object.assign(attrs, extra);
    } else if (op.route !== undefined) {
      attrs['http.request.method'] = op.method!;
      attrs['http.route'] = op.route;
      attrs['url.path'] = op.route.replace('{id}', String(this.rng.range(1000, 99999)));
      attrs['url.scheme'] = 'http';
      attrs['http.response.status_code'] = error ? (this.rng.chance(0.3) ? 503 : 500) : 200;
      if (parentSpanId === undefined && extra === undefined)
        attrs['client.address'] =
          `${this.rng.range(11, 223)}.${this.rng.range(0, 255)}.${this.rng.range(0, 255)}.${this.rng.range(1, 254)}`;
      if (extra) Object.assign(attrs, extra);
    } else {
      const [svc, method] = op.name.split('/') as [string, string];
      attrs['rpc.system'] = 'grpc';
      attrs['rpc.service'] = svc;
      attrs['rpc.method'] = method;
      attrs['rpc.grpc.status_code'] = error ? (this.rng.chance(0.5) ? 14 : 2) : 0;
    }
    if (error)
      attrs['error.type'] = op.route !== undefined ? String(attrs['http.response.status_code']) : 'UNAVAILABLE';
    return { end, error };
  }

  private callService(pod: Pod, parentSpanId: string, target: OpDef, start: number): VisitResult {
    const attrs: Attrs = {};
    const client = this.push(pod, 'client', target.name, parentSpanId, start, attrs);
    const network = this.rng.lognormal(0.35, 0.4);
    const r = this.visitOp(target, client.spanId, start + network / 2, 'server');
    client.end = r.end + network / 2;
    client.error = r.error;
    const host = `${target.service}.${nsOf.get(target.service)}.svc.cluster.local`;
    if (protocolOf.get(target.service) === 'http') {
      attrs['http.request.method'] = target.method!;
      attrs['url.full'] = `http://${host}:8080${target.route!.replace('{id}', String(this.rng.range(1000, 99999)))}`;
      attrs['server.address'] = host;
      attrs['server.port'] = 8080;
      attrs['http.response.status_code'] = r.error ? 500 : 200;
    } else {
      const [svc, method] = target.name.split('/') as [string, string];
      attrs['rpc.system'] = 'grpc';
      attrs['rpc.service'] = svc;
      attrs['rpc.method'] = method;
      attrs['server.address'] = host;
      attrs['server.port'] = 50051;
      attrs['rpc.grpc.status_code'] = r.error ? 14 : 0;
    }
    if (r.error) attrs['error.type'] = protocolOf.get(target.service) === 'http' ? '500' : 'UNAVAILABLE';
    return { end: client.end, error: r.error };
  }

  private callPeer(
    pod: Pod,
    parentSpanId: string,
    peer: PeerDef,
    name: string,
    extra: Attrs | undefined,
    start: number,
  ): VisitResult {
    const slow = this.incident?.dependency === peer.name ? this.incident : undefined;
    const attrs: Attrs = { ...peer.attrs, ...extra };
    const span = this.push(pod, peer.spanKind, name, parentSpanId, start, attrs);
    const duration = this.latency(peer.medianMs, peer.sigma) * (slow ? slow.latency_factor : 1);
    const error = this.rng.chance(peer.errorRate) || (slow !== undefined && this.rng.chance(slow.error_rate));
    span.end = start + duration;
    span.error = error;
    if (error) {
      attrs['error.type'] = peer.kind === 'external' ? '502' : 'timeout';
      if (peer.kind === 'external') attrs['http.response.status_code'] = 502;
    } else if (peer.kind === 'external') {
      attrs['http.response.status_code'] = 200;
    }
    const topic = attrs['messaging.destination.name'];
    const consumerOp = typeof topic === 'string' && !error ? CONSUMERS[topic] : undefined;
    if (consumerOp !== undefined) {
      // The consumer continues the producer's trace after a queueing delay; it does not block the caller.
      const lag = this.rng.lognormal(4, 0.8);
      this.visitOp(OPS_BY_ID.get(consumerOp)!, span.spanId, span.end + lag, 'consumer', {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic as string,
        'messaging.operation': 'process',
        'messaging.consumer.group.name': 'notifications',
      });
    }
    return { end: span.end, error };
  }
}
