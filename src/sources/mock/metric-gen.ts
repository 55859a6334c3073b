import type { Attrs, MetricPoint, Resource } from '../../core/records.js';
import { hashInts } from './prng.js';
import { type Deployment, HOSTS } from './topology.js';
import { incidentActive, MINUTE_MS, type MinuteInput } from './trace-gen.js';

/** One time series: its name, labels, resource and the shape of its (stateless) value curve. */
interface Series {
  name: string;
  labels: Attrs;
  resource: Resource;
  /** The service whose pods this series measures (for incidents); undefined for host series. */
  service?: string;
  seed: number;
  base: number;
  amp: number;
  noise: number;
  periodMs: number;
  phase: number;
  min: number;
  max: number;
}

const GIB = 1024 ** 3;
const cache = new WeakMap<Deployment, Series[]>();

/**
 * Host CPU/memory/disk/network and pod CPU/memory series. Values are a pure function of
 * (series, timestamp): a slow sine plus hashed noise, so no state is carried between minutes.
 */
function seriesOf(dep: Deployment, seedWord: number): Series[] {
  const hit = cache.get(dep);
  if (hit) return hit;
  const out: Series[] = [];
  const add = (
    name: string,
    labels: Attrs,
    resource: Resource,
    base: number,
    ampShare: number,
    noiseShare: number,
    min: number,
    max: number,
    service?: string,
  ): void => {
    const seed = hashInts(seedWord, out.length, 0x3e7);
    const jitter = (seed % 1000) / 1000;
    const s: Series = {
      name,
      labels,
      resource,
      seed,
      base: base * (0.7 + 0.6 * jitter),
      amp: base * ampShare,
      noise: base * noiseShare,
      periodMs: (20 + (seed % 40)) * MINUTE_MS,
      phase: jitter * 2 * Math.PI,
      min,
      max,
    };
    if (service !== undefined) s.service = service;
    out.push(s);
  };
  for (const host of HOSTS) {
    const r = dep.hostResources.get(host)!;
    add('system_cpu_utilization', {}, r, 0.35, 0.3, 0.12, 0, 1);
    add('system_memory_utilization', {}, r, 0.55, 0.08, 0.02, 0, 1);
    add('system_memory_usage', { state: 'used' }, r, 0.55 * 32 * GIB, 0.08, 0.02, 0, 32 * GIB);
    add('system_disk_io', { direction: 'read' }, r, 8e6, 0.4, 0.35, 0, Infinity);
    add('system_disk_io', { direction: 'write' }, r, 1.4e7, 0.4, 0.35, 0, Infinity);
    add('system_filesystem_utilization', { mountpoint: '/' }, r, 0.5, 0.02, 0.005, 0, 1);
    add('system_network_io', { direction: 'receive' }, r, 2.5e7, 0.5, 0.3, 0, Infinity);
    add('system_network_io', { direction: 'transmit' }, r, 1.8e7, 0.5, 0.3, 0, Infinity);
  }
  for (const pod of dep.allPods) {
    add('k8s_pod_cpu_utilization', {}, pod.resource, 0.25, 0.4, 0.2, 0, 1, pod.service.name);
    add('k8s_pod_memory_working_set', {}, pod.resource, 6e8, 0.1, 0.03, 0, Infinity, pod.service.name);
  }
  cache.set(dep, out);
  return out;
}

function valueAt(s: Series, ts: number): number {
  const noise = ((hashInts(s.seed, Math.floor(ts / 1000)) % 2001) / 1000 - 1) * s.noise;
  const v = s.base + s.amp * Math.sin((2 * Math.PI * ts) / s.periodMs + s.phase) + noise;
  return v < s.min ? s.min : v > s.max ? s.max : v;
}

/** Generates exactly `target` points for one minute, spread round-robin and evenly over the series. */
export function* generateMinuteMetrics(input: MinuteInput, target: number): Generator<MetricPoint> {
  const series = seriesOf(input.deployment, input.seedWord);
  const n = series.length;
  const perSeries = Math.floor(target / n);
  const extra = target % n;
  for (let j = 0; j < target; j++) {
    const si = j % n;
    const k = Math.floor(j / n);
    const count = perSeries + (si < extra ? 1 : 0);
    const slot = MINUTE_MS / count;
    const ts = input.minute + Math.floor(k * slot) + ((si * 97) % Math.max(1, Math.floor(slot)));
    const s = series[si]!;
    let value = valueAt(s, ts);
    const incident = input.incident;
    if (s.service !== undefined && incidentActive(incident, ts) && incident.dependency === s.service) {
      // The struggling service burns CPU (retries, queueing) and holds more memory.
      value = s.name === 'k8s_pod_cpu_utilization' ? Math.min(1, value * 1.5 + 0.3) : value * 1.25;
    }
    yield {
      kind: 'metric',
      ts,
      name: s.name,
      value: Math.round(value * 1e6) / 1e6,
      labels: { ...s.labels },
      resource: s.resource,
    };
  }
}
