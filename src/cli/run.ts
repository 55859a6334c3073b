import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { httpService } from '../api/service.js';
import { parseDuration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import { builtInJobs } from '../jobs/index.js';
import { ingestConfiguredKb } from '../kb/startup.js';
import { JobRegistry } from '../jobs/registry.js';
import type { RulesJobDefinition } from '../jobs/rules.js';
import { Runtime } from '../runner/runtime.js';
import { runServices } from '../runner/services.js';
import { checkThreads, runOnceThreaded, ThreadPool, type ThreadSpec, workersPerThread } from '../runner/threads.js';
import { parseShard } from '../scheduler/shard.js';
import { configOption, dbOption, type DbOptions, openContext, printJson, resolveDbTarget } from './context.js';

interface RunOptions extends DbOptions {
  once?: boolean;
  shard?: string;
  listen?: string;
  grace: string;
  json?: boolean;
  threads?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the main job: scheduler, workers and HTTP server (default config: configs/demo.yaml)')
    .addOption(dbOption())
    .addOption(configOption())
    .option('--once', 'process every window due now, then exit: 0 when all succeeded, 1 otherwise')
    .option('--shard <k/n>', 'take only the tenants with hash(code) mod n = k')
    .option('--listen <host:port>', 'HTTP address (overrides http.listen)')
    .option('--grace <duration>', 'on SIGINT/SIGTERM, how long running windows may still finish', '30s')
    .option('--json', 'with --once: print the summary as JSON')
    .option(
      '--threads <n>',
      'JS threads claiming windows in this process (overrides scheduler.threads; >1 needs a server)',
    )
    .action(async (opts: RunOptions) => {
      const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
      const grace = durationOption('--grace', opts.grace);
      // Fail fast, before touching the database: every job and config problem, with its path.
      const loaded = loadConfig(opts.config);
      JobRegistry.create(builtInJobs(), loaded.config);
      const dbTarget = resolveDbTarget(opts, loaded);
      const threads = opts.threads === undefined ? (loaded.config.scheduler.threads ?? 1) : Number(opts.threads);
      checkThreads(threads, dbTarget, opts.threads === undefined ? 'scheduler.threads' : '--threads');
      const ctx = await openContext(opts);
      const scheduler = threads > 1 ? { workers: workersPerThread(loaded.config, threads) } : undefined;
      const spec: ThreadSpec = {
        configPath: ctx.loaded.path,
        dbTarget,
        grace,
        ...(shard ? { shard } : {}),
        ...(scheduler ? { scheduler } : {}),
      };
      try {
        await ingestConfiguredKb(ctx.db, ctx.loaded.config, ctx.logger);
        const runtime = await Runtime.create({
          config: ctx.loaded.config,
          db: ctx.db,
          jobs: builtInJobs({ configPath: ctx.loaded.path }),
          logger: ctx.logger,
          ...(shard ? { shard } : {}),
          ...(scheduler ? { scheduler } : {}),
        });
        if (runtime.pairs.length === 0) ctx.logger.warn('no enabled job for any tenant of this process: nothing to do');
        if (opts.once) {
          // Ctrl-C: let running windows finish (up to --grace), release the rest, exit 1.
          const once =
            threads > 1
              ? runOnceThreaded(runtime, threads, spec)
              : { result: runtime.runOnce(), stop: (g: number) => runtime.stop(g) };
          const onSignal = () => void once.stop(grace);
          process.once('SIGINT', onSignal);
          process.once('SIGTERM', onSignal);
          let s;
          try {
            s = await once.result;
          } finally {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            await once.stop(grace);
          }
          if (opts.json) printJson(s);
          else
            process.stdout.write(
              `windows: ${s.succeeded} succeeded, ${s.failed} failed attempts retried, ${s.dead} dead, ` +
                `${s.unfinished} left unfinished` +
                (s.unfinished > 0 ? ' (open circuit or unmet dependency: see `observebridge status`)' : '') +
                ('threads' in s ? ` over ${s.threads} threads` : '') +
                '\n',
            );
          if ('error' in s && s.error) process.stderr.write(`observebridge: ${s.error}\n`);
          process.exitCode = s.ok ? 0 : 1;
          return;
        }
        for (const factory of [...runServices, httpService]) {
          const service = factory(runtime, opts.listen === undefined ? {} : { listen: opts.listen });
          if (service) runtime.addService(service);
        }
        await runtime.start();
        const pool = threads > 1 ? ThreadPool.start(runtime, threads - 1, spec, { kind: 'serve' }) : undefined;
        const offHup = reloadRulesOnSighup(runtime);
        const reason = await untilStopRequested(runtime, pool);
        offHup();
        ctx.logger.info({ reason, grace_ms: grace }, 'stopping: no new windows; running ones may finish');
        await Promise.all([runtime.stop(grace), pool?.stop(grace)]);
        if (pool?.failure) process.stderr.write(`observebridge: ${pool.failure.message}\n`);
        process.exitCode = runtime.runner.fatal || pool?.failure ? 1 : 0;
      } finally {
        await ctx.close();
      }
    });
}

/** Resolves on SIGINT/SIGTERM, a fatal runner error or a dead thread; a second signal exits at once. */
function untilStopRequested(runtime: Runtime, pool: ThreadPool | undefined): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      process.once(sig, () => process.exit(130));
      resolve(sig);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    runtime.events.on('runner:fatal', ({ error }) => resolve(`fatal: ${error.message}`));
    pool?.onFailure((error) => resolve(`fatal: ${error.message}`));
  });
}

/** SIGHUP re-reads the rules (a broken rule is logged with its path; the others are loaded). */
function reloadRulesOnSighup(runtime: Runtime): () => void {
  const onHup = () => {
    const def = runtime.registry.jobs.find((j) => j.name === 'rules') as RulesJobDefinition | undefined;
    if (!def) return;
    try {
      const r = def.book.reload();
      runtime.logger.info({ rules: r.rules, problems: r.problems }, 'SIGHUP: rules reloaded');
    } catch (e) {
      runtime.logger.error({ err: String(e) }, 'SIGHUP: config could not be loaded; the current rules stay');
    }
  };
  process.on('SIGHUP', onHup);
  return () => process.off('SIGHUP', onHup);
}

function durationOption(name: string, text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new ConfigError(`${name}: must be a duration such as 30s, 5m, 1h (got '${text}')`);
  }
}
