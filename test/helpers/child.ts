import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

/**
 * How long a test waits for a child process (`observebridge …` spawned by a CLI or stdio test).
 *
 * Each child opens PGlite: compiling its WebAssembly and, for a fresh directory, initdb and the
 * migrations cost ~6 CPU-seconds on this machine when quiet (measured 2026-12-03) and ten times that
 * at load 12 (62 s for `kb ingest` into a new directory; CI runs two test files at once, each with
 * children of its own). Timeouts sized for a quiet machine failed in CI on correct runs, so the limit
 * is generous: these tests check answers, benches check speed. TEST_CHILD_TIMEOUT_MS overrides it.
 */
export const CHILD_TIMEOUT_MS = Number(process.env.TEST_CHILD_TIMEOUT_MS ?? 300_000);

/** The MCP SDK's per-request options for a stdio server in a child (its default is 60 s). */
export const CHILD_REQUEST = { timeout: CHILD_TIMEOUT_MS } as const;

/** The CLI entry point the child tests run. */
export const BIN = join(repoRoot, 'bin', 'observebridge.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `observebridge ARGS` in a child (synchronously), with only PATH and HOME from this environment plus
 * `env`. A child that timed out or died by a signal has code null and says so in stderr, so an
 * assertion on the code shows why.
 */
export function runCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    timeout: CHILD_TIMEOUT_MS,
    // SIGKILL: a child stuck inside a PGlite statement never gets to a SIGTERM handler.
    killSignal: 'SIGKILL',
    ...(opts.input === undefined ? {} : { input: opts.input }),
  });
  const stderr =
    r.status === null
      ? `${r.stderr ?? ''}\n[child ${args.join(' ')} ended by ${r.signal ?? r.error?.message} after ${Date.now() - started} ms]`
      : r.stderr;
  return { code: r.status, stdout: r.stdout, stderr };
}
