/**
 * Where the time goes: self time per function from a V8 .cpuprofile (`node --cpu-prof`), so a
 * README note can name the hot functions without a GUI.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  selfPct: number;
}

/** Functions by self time, highest first (time from sample deltas, idle and GC kept as their own entries). */
export function hotFunctions(profile: CpuProfile, top = 25, root = process.cwd()): HotFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the delta to the next sample.
    const d = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + d);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const agg = new Map<string, HotFunction>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    const f = n.callFrame;
    const file = f.url.startsWith('file://') ? relative(root, new URL(f.url).pathname) : f.url;
    const where = file ? `${file}:${f.lineNumber + 1}` : '';
    const name = f.functionName || '(anonymous)';
    const key = `${name}\u0000${where}`;
    const h = agg.get(key) ?? { name, where, selfMs: 0, selfPct: 0 };
    h.selfMs += us / 1000;
    agg.set(key, h);
  }
  const out = [...agg.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  for (const h of out) {
    h.selfPct = Math.round((1000 * h.selfMs * 1000) / total) / 10;
    h.selfMs = Math.round(h.selfMs);
  }
  return out;
}

export function formatHot(file: string, top = 25): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  return hotFunctions(p, top)
    .map((h) => `${String(h.selfPct).padStart(5)}%  ${String(h.selfMs).padStart(7)} ms  ${h.name}  ${h.where}`)
    .join('\n');
}
