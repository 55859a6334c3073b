/**
 * The load generator, run in its own process (forked by api.ts) so its work does not share the
 * server's event loop: `concurrency` keep-alive connections (node's http.Agent) each send GETs
 * back to back over the given paths, bounded by count and time, loopback only. Answers one IPC
 * message with the latencies' percentiles.
 */
import { Agent, request } from 'node:http';

export interface LoadArgs {
  port: number;
  paths: string[];
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  warmupMs: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

function get(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export async function generateLoad(a: LoadArgs): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: a.concurrency });
  let next = 0;
  const run = async (until: number, record: number[] | null, budget: { left: number }, errors: { n: number }) => {
    while (performance.now() < until && budget.left > 0) {
      budget.left--;
      const path = a.paths[next++ % a.paths.length]!;
      const t0 = performance.now();
      try {
        const status = await get(agent, a.port, path);
        if (status !== 200) errors.n++;
      } catch {
        errors.n++;
      }
      record?.push(performance.now() - t0);
    }
  };
  // Warm-up: JIT, plan caches, the database's buffers.
  const warm = performance.now() + a.warmupMs;
  await Promise.all(Array.from({ length: a.concurrency }, () => run(warm, null, { left: Infinity }, { n: 0 })));
  const latencies: number[] = [];
  const errors = { n: 0 };
  const budget = { left: a.maxRequests };
  const t0 = performance.now();
  const until = t0 + a.durationMs;
  await Promise.all(Array.from({ length: a.concurrency }, () => run(until, latencies, budget, errors)));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors: errors.n,
    seconds,
    requestsPerSec: latencies.length / seconds,
    p50Ms: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? NaN,
  };
}

if (process.send && process.argv[2]) {
  const args = JSON.parse(process.argv[2]) as LoadArgs;
  generateLoad(args).then(
    (r) => process.send!({ ok: true, result: r }, () => process.exit(0)),
    (e: unknown) => process.send!({ ok: false, error: String(e) }, () => process.exit(1)),
  );
}
