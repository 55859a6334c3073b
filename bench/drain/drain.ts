/**
 * Template miner throughput: 1M synthetic lines from 50 templates with variables (numbers, IPs, UUIDs,
 * hex ids, paths, durations, key=value pairs, user names), a third of them with a timestamp/level
 * header. Measures lines/s of `DrainMiner.add` on one core (line generation is not timed) and heap
 * growth of the miner.
 *
 *   node --single-threaded-gc --expose-gc dist/bench/drain/drain.js [lines]
 *
 * Without --expose-gc the heap figure includes garbage and is only an upper bound; without
 * --single-threaded-gc the CPU time includes V8's GC helper threads.
 */
import { DrainMiner, type DrainOptions } from '../../src/patterns/drain.js';
import { seededRandom } from '../../src/sources/mock/prng.js';

export interface DrainBenchResult {
  linesPerSec: number;
  heapMb: number;
  templates: number;
}

/** Deterministic PRNG (mulberry32), so every run mines the same lines. */
function rng(seed: number): () => number {
  return seededRandom(seed);
}

type Gen = (r: () => number) => string;

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const SERVICES = ['checkout', 'payments', 'catalog', 'auth', 'search', 'orders'];
const LEVELS = ['INFO', 'WARN', 'ERROR', 'DEBUG'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}
function int(r: () => number, max: number): number {
  return Math.floor(r() * max);
}
function ip(r: () => number): string {
  return `10.${int(r, 256)}.${int(r, 256)}.${int(r, 256)}`;
}
function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(r, 16)];
  return s;
}
function uuid(r: () => number): string {
  return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
}

/** 50 message templates, each a function that fills in fresh variables. */
export const TEMPLATES: readonly Gen[] = [
  (r) => `Received block blk_${int(r, 1e9)} of size ${int(r, 1e8)} from /${ip(r)}`,
  (r) => `PacketResponder ${int(r, 3)} for block blk_-${int(r, 1e9)} terminating`,
  (r) => `Accepted publickey for ${pick(r, USERS)} from ${ip(r)} port ${int(r, 65535)} ssh2`,
  (r) => `Failed password for invalid user ${pick(r, USERS)} from ${ip(r)} port ${int(r, 65535)} ssh2`,
  (r) => `Connection closed by ${ip(r)} [preauth]`,
  (r) => `session opened for user ${pick(r, USERS)} by (uid=${int(r, 1000)})`,
  (r) => `GET /api/v1/orders/${int(r, 1e6)} HTTP/1.1 200 ${int(r, 5000)} ${int(r, 900)}ms`,
  (r) => `POST /api/v1/carts/${uuid(r)}/items returned 201 in ${(r() * 2).toFixed(3)}s`,
  (r) => `request_id=${uuid(r)} method=GET path=/health status=200 duration=${int(r, 50)}ms`,
  (r) => `user ${pick(r, USERS)} logged in from ${ip(r)}`,
  (r) =>
    `Starting task ${int(r, 500)}.0 in stage ${int(r, 40)}.0 (TID ${int(r, 1e5)}, localhost, partition ${int(r, 200)})`,
  (r) =>
    `Finished task ${int(r, 500)}.0 in stage ${int(r, 40)}.0 (TID ${int(r, 1e5)}) in ${int(r, 9000)} ms on localhost (${int(r, 200)}/${int(r, 200)})`,
  (r) =>
    `Block broadcast_${int(r, 90)} stored as values in memory (estimated size ${(r() * 100).toFixed(1)} KB, free ${(r() * 900).toFixed(1)} MB)`,
  (r) => `Cache miss for key product:${int(r, 1e5)} in region ${pick(r, ['us-east-1', 'eu-west-1', 'ap-south-1'])}`,
  (r) => `Retrying connection to ${pick(r, SERVICES)}.svc.cluster.local:${int(r, 9000)} (attempt ${int(r, 5)} of 5)`,
  (r) => `Timeout after ${int(r, 30)}s waiting for lock 0x${hex(r, 8)}`,
  (r) => `Deleted ${int(r, 1000)} expired sessions in ${(r() * 3).toFixed(2)}s`,
  (r) => `Opened file /var/lib/app/data/${hex(r, 12)}.db for writing`,
  (r) => `Sent email to ${pick(r, USERS)}@example.com with subject id ${int(r, 1e6)}`,
  (r) => `Checkpoint ${int(r, 1e4)} completed: wrote ${int(r, 1e5)} buffers (${(r() * 100).toFixed(1)}%)`,
  (r) => `worker ${int(r, 32)} picked job ${uuid(r)} from queue ${pick(r, SERVICES)}`,
  (r) => `job ${uuid(r)} failed: upstream ${pick(r, SERVICES)} returned 503`,
  (r) =>
    `Exception in thread "pool-${int(r, 9)}-thread-${int(r, 99)}" java.lang.NullPointerException at com.example.Foo.bar(Foo.java:${int(r, 900)})`,
  (r) => `panic: runtime error: index out of range [${int(r, 99)}] with length ${int(r, 99)}`,
  (r) => `Memory usage ${int(r, 100)}% exceeds threshold ${int(r, 100)}%`,
  (r) => `Disk /dev/sda${int(r, 4)} is ${int(r, 100)}% full`,
  (r) => `Scheduled backup of database ${pick(r, SERVICES)}_db at ${int(r, 24)}:${int(r, 60)}`,
  (r) => `TLS handshake with ${ip(r)}:${int(r, 65535)} failed: certificate expired`,
  (r) => `Rate limit exceeded for api key ${hex(r, 24)} (${int(r, 1000)} req/min)`,
  (r) => `Pod ${pick(r, SERVICES)}-${hex(r, 10)}-${hex(r, 5)} restarted ${int(r, 20)} times`,
  (r) => `Container ${hex(r, 12)} exited with code ${int(r, 256)}`,
  (r) => `Leader election won by node-${int(r, 7)} term ${int(r, 1e4)}`,
  (r) => `Append entries to follower node-${int(r, 7)} rejected at index ${int(r, 1e6)}`,
  (r) => `Compaction of segment ${int(r, 1e5)} took ${int(r, 9999)}ms and freed ${int(r, 1e4)} MB`,
  (r) => `Flushing ${int(r, 1e4)} metrics to remote write endpoint https://metrics.example.com/api/v1/push`,
  () => `Received SIGTERM, shutting down gracefully`,
  (r) => `Config reloaded from /etc/app/config.yaml (version ${int(r, 100)})`,
  (r) => `Payment ${uuid(r)} authorized amount=${(r() * 500).toFixed(2)} currency=EUR`,
  (r) => `Payment ${uuid(r)} declined reason=insufficient_funds`,
  (r) => `Inventory for sku ${int(r, 1e6)} updated: ${int(r, 100)} -> ${int(r, 100)}`,
  (r) => `Search query took ${int(r, 400)}ms returned ${int(r, 1000)} hits`,
  (r) => `Kafka consumer group ${pick(r, SERVICES)} lag ${int(r, 1e5)} on partition ${int(r, 12)}`,
  (r) => `DNS lookup for ${pick(r, SERVICES)}.internal failed: SERVFAIL`,
  (r) => `Slow query (${int(r, 9000)} ms): SELECT * FROM orders WHERE id = ${int(r, 1e6)}`,
  (r) => `Token refreshed for client ${hex(r, 16)} expires in ${int(r, 3600)}s`,
  (r) => `GC pause ${int(r, 300)}ms young gen ${int(r, 900)}MB -> ${int(r, 90)}MB`,
  (r) => `Health check passed for ${pick(r, SERVICES)} (${int(r, 50)}ms)`,
  (r) => `Health check failed for ${pick(r, SERVICES)}: connection refused`,
  (r) => `Uploaded ${int(r, 1e4)} bytes to s3://bucket-${int(r, 9)}/logs/${int(r, 1e6)}.gz`,
  (r) => `Websocket ${uuid(r)} closed by peer with status ${1000 + int(r, 15)}`,
];

function header(r: () => number, i: number): string {
  const s = 10 + (i % 50);
  return `2024-05-0${1 + int(r, 9)}T12:${s}:${s}.${int(r, 1000)}Z ${pick(r, LEVELS)} [${pick(r, SERVICES)}] `;
}

export function generateLines(count: number, seed = 42, out: string[] = []): string[] {
  const r = rng(seed);
  out.length = 0;
  for (let i = 0; i < count; i++) {
    const body = TEMPLATES[int(r, TEMPLATES.length)]!(r);
    const line = r() < 0.33 ? header(r, i) + body : body;
    // Reading a character flattens a concatenated string in place, as lines read from a file or
    // parsed from JSON already are; otherwise the miner would pay for the bench's concatenation.
    line.charCodeAt(0);
    out.push(line);
  }
  return out;
}

function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export async function runDrainBench(totalLines = 1_000_000, opts: DrainOptions = {}): Promise<DrainBenchResult> {
  // All lines are made before timing, so their garbage is not collected inside the timed part.
  const lines = generateLines(totalLines, 1000);
  // Warm-up on a separate miner so JIT compilation is not counted.
  const warm = new DrainMiner(opts);
  for (let i = 0; i < 50_000 && i < lines.length; i++) warm.add(lines[i]!);
  const before = heapMb();
  const miner = new DrainMiner(opts);
  // CPU time, not wall time: the figure is per core and should not depend on what else the
  // machine runs. Run with --single-threaded-gc so GC helper threads are not counted as mining.
  let us = 0;
  const step = 50_000;
  for (let done = 0; done < lines.length; done += step) {
    const end = Math.min(lines.length, done + step);
    const t0 = process.cpuUsage();
    for (let i = done; i < end; i++) miner.add(lines[i]!);
    const d = process.cpuUsage(t0);
    us += d.user + d.system;
    // Yield now and then so a harness can report progress or time out.
    await new Promise<void>((res) => setImmediate(res));
  }
  const after = heapMb();
  return {
    linesPerSec: Math.round(lines.length / (us / 1e6)),
    heapMb: Math.max(0, Math.round((after - before) * 10) / 10),
    templates: miner.size,
  };
}

if (process.argv[1]?.endsWith('drain.js')) {
  const n = Number(process.argv[2] ?? 1_000_000);
  runDrainBench(n).then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
