import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { formatDuration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import { systemClock } from '../core/clock.js';
import { iterateWindows, upperBound } from '../core/windows.js';
import { builtInJobs } from '../jobs/index.js';
import { JobRegistry } from '../jobs/registry.js';
import { enqueueWindows } from '../queue/enqueue.js';
import type { ClaimedRun } from '../queue/types.js';
import { Runtime } from '../runner/runtime.js';
import { configOption, dbOption, type DbOptions, openContext, printJson } from './context.js';

interface BackfillOptions extends DbOptions {
  job: string;
  tenant: string;
  from: string;
  to: string;
  force?: boolean;
  json?: boolean;
}

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description('enqueue the aligned windows of a job for a tenant and time range, and run them')
    .requiredOption('--job <name>', 'job name, e.g. oo-calls')
    .requiredOption('--tenant <code>', 'tenant code')
    .requiredOption('--from <iso>', 'start (ISO 8601; floored to the job align)')
    .requiredOption('--to <iso>', 'end, exclusive (ISO 8601; windows up to it are covered)')
    .option('--force', 're-run windows that already succeeded (or died)')
    .addOption(dbOption())
    .addOption(configOption())
    .option('--json', 'print the result as JSON')
    .action(async (opts: BackfillOptions) => {
      const from = isoOption('--from', opts.from);
      const to = isoOption('--to', opts.to);
      if (to <= from) throw new ConfigError(`--to must be after --from (got ${opts.from} .. ${opts.to})`);
      // Fail fast, before touching the database: every job and config problem, with its path.
      JobRegistry.create(builtInJobs(), loadConfig(opts.config).config);
      const ctx = await openContext(opts);
      try {
        const clock = systemClock;
        const jobs = builtInJobs();
        const registry = JobRegistry.create(jobs, ctx.loaded.config);
        if (!registry.has(opts.job)) {
          throw new ConfigError(
            `--job: unknown job '${opts.job}' (known: ${registry.jobs.map((j) => j.name).join(', ')})`,
          );
        }
        if (!ctx.loaded.config.tenants.some((t) => t.code === opts.tenant)) {
          throw new ConfigError(
            `--tenant: unknown tenant '${opts.tenant}' (known: ${ctx.loaded.config.tenants.map((t) => t.code).join(', ')})`,
          );
        }
        const settings = registry.settings(opts.job, opts.tenant);
        const windows = [...iterateWindows(from, to, settings.align)];
        const first = windows[0]!.from;
        const last = windows[windows.length - 1]!.to;
        const runtime = await Runtime.create({
          config: ctx.loaded.config,
          db: ctx.db,
          jobs,
          logger: ctx.logger,
          scope: { job: opts.job, tenant: opts.tenant, from: first, to: last },
        });
        const tenantId = runtime.pairs[0]!.tenant.id;
        const enqueued = await enqueueWindows(ctx.db, {
          job: opts.job,
          tenantId,
          windows,
          maxAttempts: settings.retry.attempts,
          now: clock.now(),
          force: opts.force === true,
        });
        const upper = upperBound(clock.now(), settings.delay, settings.align);
        const due = enqueued.filter((w) => w.to <= upper);
        const future = enqueued.length - due.length;
        const alreadyDone = due.filter((w) => w.status === 'success').length;
        const progress = new Progress(due.length, alreadyDone, opts.json === true);
        const inScope = (run: ClaimedRun) => run.from >= first && run.to <= last;
        runtime.events.on('run:succeeded', ({ run }) => inScope(run) && progress.tick(run, 'success'));
        runtime.events.on('run:dead', ({ run }) => inScope(run) && progress.tick(run, 'dead'));
        runtime.events.on(
          'run:failed',
          ({ run, error }) => inScope(run) && progress.note(run, `retry: ${error.message}`),
        );
        const onSignal = () => void runtime.stop(5_000);
        process.once('SIGINT', onSignal);
        let summary;
        try {
          summary = await runtime.runOnce({ tick: false });
        } finally {
          process.off('SIGINT', onSignal);
          progress.stop();
          await runtime.stop(5_000);
        }
        const result = {
          job: opts.job,
          tenant: opts.tenant,
          windows: windows.length,
          inserted: enqueued.filter((w) => w.action === 'inserted').length,
          requeued: enqueued.filter((w) => w.action === 'requeued').length,
          already_succeeded: alreadyDone,
          succeeded: summary.succeeded,
          dead: summary.dead,
          unfinished: summary.unfinished,
          future,
        };
        if (opts.json) printJson(result);
        else {
          process.stdout.write(
            `backfill ${opts.job} ${opts.tenant}: ${result.windows} windows (${result.inserted} new, ` +
              `${result.requeued} re-queued, ${alreadyDone} already done): ${result.succeeded} succeeded, ` +
              `${result.dead} dead, ${result.unfinished} unfinished\n`,
          );
          if (future > 0)
            process.stdout.write(`${future} window(s) end after the upper bound: queued, they run once due\n`);
        }
        process.exitCode = summary.ok && summary.unfinished === 0 ? 0 : 1;
      } finally {
        await ctx.close();
      }
    });
}

/** Done/total, rate and ETA: a bar on a terminal, else a plain line per window (stderr either way). */
class Progress {
  readonly #bar: cliProgress.SingleBar | undefined;
  readonly #t0 = Date.now();
  #done: number;

  constructor(
    readonly total: number,
    done: number,
    readonly quiet: boolean,
  ) {
    this.#done = done;
    if (!quiet && process.stderr.isTTY && total > 0) {
      this.#bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: ' {bar} {value}/{total} windows | {rate} windows/s | ETA {eta_formatted} | {last}',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(total, done, { rate: '0.0', last: '' });
    }
  }

  tick(run: ClaimedRun, outcome: string): void {
    this.#done++;
    const secs = (Date.now() - this.#t0) / 1000;
    const rate = secs > 0 ? this.#done / secs : 0;
    const last = `${new Date(run.from).toISOString()} ${outcome}`;
    if (this.#bar) this.#bar.update(this.#done, { rate: rate.toFixed(1), last });
    else if (!this.quiet) {
      const left = this.total - this.#done;
      const eta = rate > 0 ? formatDuration(Math.round(left / rate) * 1000) : '?';
      process.stderr.write(`${last} ${this.#done}/${this.total} ${rate.toFixed(1)} windows/s ETA ${eta}\n`);
    }
  }

  note(run: ClaimedRun, text: string): void {
    if (!this.#bar && !this.quiet) process.stderr.write(`${new Date(run.from).toISOString()} ${text}\n`);
  }

  stop(): void {
    this.#bar?.stop();
  }
}

/** An ISO 8601 time; one without an offset is read as UTC (windows are UTC, never local time). */
function isoOption(name: string, text: string): number {
  const utc = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
  const t = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(utc) : NaN;
  if (!Number.isFinite(t))
    throw new ConfigError(`${name}: must be an ISO 8601 time such as 2024-03-01T10:00:00Z (got '${text}')`);
  return t;
}
