/** Spawning, killing and waiting for reliability worker processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../paths.js';
import type { RelWorkerSpec } from './worker.js';
import { seededRandom } from '../../../src/sources/mock/prng.js';

/** A `run --once` worker on the test server's schema (DATABASE_URL), two windows at a time. */
export function onceOnServer(schema: string, setup: RelWorkerSpec['setup'], lease: number) {
  return (label: string): RelWorkerSpec => ({
    db: process.env.DATABASE_URL!,
    schema,
    label,
    mode: 'once',
    setup,
    lease,
    workers: 2,
  });
}

export const REL_WORKER = join(repoRoot, 'dist', 'test', 'helpers', 'reliability', 'worker.js');

export interface Exit {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  exit: Promise<Exit>;
}

export function spawnWorker(spec: RelWorkerSpec): Spawned {
  const child = spawn(process.execPath, [REL_WORKER, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit };
}

/** Resolves with the exit, or with undefined when `ms` passed first. */
export async function exitWithin(p: Spawned, ms: number): Promise<Exit | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([p.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function waitFor(
  what: string,
  cond: () => Promise<boolean>,
  timeoutMs = 30_000,
  every = 50,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** A seeded PRNG (mulberry32) so a failing scenario can be replayed with the same kill points. */
export function prng(seed: number): () => number {
  return seededRandom(seed);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
