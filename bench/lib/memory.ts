/**
 * Peak memory of a benchmark case. Three views, because each alone misleads:
 * - the kernel's high-water mark of the process (`resourceUsage().maxRSS`, getrusage): exact, but
 *   covers the whole process life;
 * - a timer sampling `memoryUsage()` every ~20 ms: it cannot fire while the job runs a long chain of
 *   promise continuations (the event loop never turns), so it under-reads — hence `sample()` calls
 *   from inside the pipeline (at chunk boundaries) as well;
 * - the parent sampling the child's VmRSS from /proc (see child.ts), which no busy loop can starve.
 */
import { readFileSync } from 'node:fs';

const MB = 2 ** 20;

export class MemoryPeaks {
  rssMb = 0;
  heapUsedMb = 0;
  #timer: NodeJS.Timeout | undefined;

  sample(): void {
    const m = process.memoryUsage();
    if (m.rss / MB > this.rssMb) this.rssMb = m.rss / MB;
    if (m.heapUsed / MB > this.heapUsedMb) this.heapUsedMb = m.heapUsed / MB;
  }

  start(everyMs = 20): this {
    this.sample();
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
    return this;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.sample();
  }

  reset(): void {
    this.rssMb = 0;
    this.heapUsedMb = 0;
    this.sample();
  }
}

/**
 * The kernel's peak resident set of this process so far, in MB: VmHWM of the current address space.
 * Not getrusage's maxRSS: on Linux that keeps the high-water mark of the address space replaced by
 * exec, i.e. of the parent at fork time, so a child of a big parent would report the parent's size.
 */
export function maxRssMb(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Resident set of another process in MB from /proc (Linux); undefined where unavailable. */
export function procRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
