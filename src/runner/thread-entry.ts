/**
 * A worker thread of `observebridge run --threads N` (started by threads.ts): its own pg pool and
 * its own Runtime on the same config, claiming windows from the same server queue as the main
 * thread. No scheduler, no HTTP: the main thread enqueues and serves for the whole process.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../config/load.js';
import { errorMessage } from '../core/errors.js';
import { openDb } from '../db/open.js';
import type { Db } from '../db/types.js';
import { builtInJobs } from '../jobs/index.js';
import { createLogger } from '../obs/logger.js';
import { Runtime } from './runtime.js';
import type { FromThread, ThreadData, ToThread } from './thread-protocol.js';

if (!parentPort) throw new Error('thread-entry.js runs only as a worker thread of `observebridge run`');
const port = parentPort;
// Built by threads.ts in the main thread of this process, not outside input.
const { spec, mode, index } = workerData as ThreadData;
const post = (m: FromThread): void => port.postMessage(m);

async function main(): Promise<void> {
  const loaded = loadConfig(spec.configPath);
  const logger = createLogger(loaded.config.logging.level ?? 'info').child({ thread: index });
  const db: Db = await openDb(spec.dbTarget, {
    ...(loaded.config.database.pool_size ? { max: loaded.config.database.pool_size } : {}),
    ...(spec.schema ? { schema: spec.schema } : {}),
  });
  let runtime: Runtime | undefined;
  try {
    const workerId = `${hostname()}:${process.pid}:t${index}:${randomBytes(3).toString('hex')}`;
    runtime = await Runtime.create({
      config: loaded.config,
      db,
      jobs: builtInJobs({ configPath: loaded.path }),
      logger,
      workerId,
      scheduling: false,
      ...(spec.shard ? { shard: spec.shard } : {}),
      ...(spec.scheduler ? { scheduler: spec.scheduler } : {}),
      ...(spec.pollInterval === undefined ? {} : { pollInterval: spec.pollInterval }),
    });
    const rt = runtime;
    for (const e of ['run:succeeded', 'run:failed', 'run:dead', 'run:lost', 'run:released'] as const)
      rt.events.on(e, () => post({ type: 'ended' }));
    rt.events.on('runner:fatal', ({ error }) => post({ type: 'fatal', message: error.message }));
    let grace = spec.grace;
    const stopped = new Promise<void>((resolve) =>
      port.on('message', (m: ToThread) => {
        if (m.type === 'wake') rt.wake();
        else {
          grace = m.grace;
          resolve();
          void rt.stop(m.grace);
        }
      }),
    );
    post({ type: 'ready', workerId });
    if (mode.kind === 'once') {
      const summary = await rt.runOnce({ tick: false, at: mode.at });
      await rt.stop(grace);
      post({ type: 'summary', summary });
    } else {
      await rt.start();
      await stopped;
      await rt.stop(grace);
    }
  } finally {
    await runtime?.stop(0);
    await db.close();
  }
}

main().then(
  () => port.close(),
  (e: unknown) => {
    // Reaches the main thread as the worker's 'error' event: the process then fails (threads.ts).
    throw new Error(`thread ${index}: ${errorMessage(e)}`);
  },
);
