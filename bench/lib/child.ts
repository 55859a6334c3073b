/**
 * Runs one benchmark case in a fresh Node process, so its peak RSS is its own and the JIT, the
 * heap and the database start cold for every case. The parent samples the child's VmRSS every
 * 20 ms and kills it after a deadline; the child answers with one IPC message.
 */
import { fork } from 'node:child_process';
import { procRssMb } from './memory.js';

export interface ChildOutcome<R> {
  ok: boolean;
  result?: R;
  error?: string;
  timedOut: boolean;
  /** Max VmRSS seen by the parent's sampler over the child's life, MB (0 where /proc is unavailable). */
  sampledPeakRssMb: number;
  /** Max VmRSS seen between the child's `markStart()` and `markEnd()`, MB (0 without marks or /proc). */
  markedPeakRssMb: number;
  wallSeconds: number;
}

interface Message<R> {
  ok: boolean;
  result?: R;
  error?: string;
}

interface Mark {
  mark: 'start' | 'end';
}

export interface RunChildOptions {
  timeoutMs?: number;
  execArgv?: string[];
  sampleEveryMs?: number;
}

export function runChild<A, R>(modulePath: string, args: A, opts: RunChildOptions = {}): Promise<ChildOutcome<R>> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = fork(modulePath, [JSON.stringify(args)], {
      execArgv: opts.execArgv ?? [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let peak = 0;
    let marked = 0;
    let inMark = false;
    let msg: Message<R> | undefined;
    let timedOut = false;
    const sampler = setInterval(() => {
      if (child.pid === undefined) return;
      const rss = procRssMb(child.pid);
      if (rss === undefined) return;
      if (rss > peak) peak = rss;
      if (inMark && rss > marked) marked = rss;
    }, opts.sampleEveryMs ?? 20);
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 300_000);
    child.on('message', (m) => {
      if (typeof m === 'object' && m !== null && 'mark' in m) {
        inMark = (m as Mark).mark === 'start';
        if (inMark && child.pid !== undefined) marked = procRssMb(child.pid) ?? 0;
        return;
      }
      msg = m as Message<R>;
    });
    child.on('exit', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(deadline);
      const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const base = { timedOut, sampledPeakRssMb: peak, markedPeakRssMb: marked, wallSeconds };
      if (msg?.ok) resolve({ ...base, ok: true, result: msg.result as R });
      else {
        const why = timedOut
          ? `timed out after ${opts.timeoutMs ?? 300_000} ms`
          : (msg?.error ?? `exited with ${signal ?? `code ${String(code)}`} without a result`);
        resolve({ ...base, ok: false, error: why });
      }
    });
  });
}

/**
 * Tells the parent that the measured part starts or ends, so its RSS sampler (which no busy loop
 * in the child can starve) reports the peak of that part alone. Resolves once the message is sent.
 */
export function markPhase(mark: Mark['mark']): Promise<void> {
  if (process.send === undefined) return Promise.resolve();
  const m: Mark = { mark };
  return new Promise((res) => {
    process.send!(m, undefined, {}, () => res());
  });
}

/**
 * The child's side: parses the arguments the parent passed, runs `fn`, sends its result (or the
 * error) and exits. Use as the last statement of a case module.
 */
export function childMain<A, R>(fn: (args: A) => Promise<R>): void {
  const raw = process.argv[2];
  if (raw === undefined || process.send === undefined) {
    console.error('this module is a benchmark case: run it through its bench (npm run bench -- <name>)');
    process.exit(2);
  }
  const send = (m: Message<R>): Promise<void> =>
    new Promise((res) => {
      process.send!(m, undefined, {}, () => res());
    });
  fn(JSON.parse(raw) as A).then(
    async (result) => {
      await send({ ok: true, result });
      process.exit(0);
    },
    async (e: unknown) => {
      await send({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      process.exit(1);
    },
  );
}
