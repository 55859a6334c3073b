/**
 * What the test worker processes (test-worker.ts, reliability/worker.ts) share: reading their one
 * JSON argument, running a Runtime the way `observebridge run [--once]` does, and their exit codes.
 */
import type { Db } from '../../src/db/types.js';
import type { Runtime } from '../../src/runner/runtime.js';

/**
 * `once`: runs what is due and prints the JSON OnceSummary (exit 0 when ok, else 1). `serve`: starts,
 * prints `{"started": label}`, runs until SIGTERM/SIGINT, stops gracefully and prints the outcomes
 * (exit 1 when the pool turned fatal). The runtime is stopped and the database closed either way.
 */
export async function driveRuntime(
  runtime: Runtime,
  db: Db,
  spec: { mode: 'once' | 'serve'; label: string; tick: boolean },
): Promise<number> {
  try {
    if (spec.mode === 'once') {
      const summary = await runtime.runOnce({ tick: spec.tick });
      process.stdout.write(JSON.stringify(summary) + '\n');
      return summary.ok ? 0 : 1;
    }
    await runtime.start();
    process.stdout.write(JSON.stringify({ started: spec.label }) + '\n');
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await runtime.stop(10_000);
    process.stdout.write(JSON.stringify(runtime.runner.outcomes) + '\n');
    return runtime.runner.fatal ? 1 : 0;
  } finally {
    await runtime.stop(0);
    await db.close();
  }
}

/** Runs `main` on the process's JSON argument and exits with its code (2 and the stack if it throws). */
export function workerMain<S>(name: string, main: (spec: S) => Promise<number>): void {
  main(JSON.parse(process.argv[2] ?? '{}') as S).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(2);
    },
  );
}
