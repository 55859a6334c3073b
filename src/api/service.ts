import type { Runtime } from '../runner/runtime.js';
import type { RuntimeService, ServiceOptions } from '../runner/services.js';
import { bindRunnerMetrics, createMetrics } from '../obs/metrics.js';
import { createApiServer, type ApiServer } from './server.js';

/**
 * The HTTP server as a service of `observebridge run`: metrics fed by the runtime's events, enqueue
 * wakes its runner, and `run --listen` overrides http.listen. None when http.enabled is false.
 */
export function httpService(runtime: Runtime, opts: ServiceOptions): RuntimeService | undefined {
  if (runtime.config.http.enabled === false) return undefined;
  const metrics = createMetrics();
  const codes = new Map(runtime.tenants.map((t) => [t.id, t.code]));
  let unbind: (() => void) | undefined;
  let server: ApiServer | undefined;
  return {
    name: 'http',
    async start() {
      unbind = bindRunnerMetrics(metrics, runtime.events, (id) => codes.get(id) ?? String(id));
      server = createApiServer({
        db: runtime.db,
        registry: runtime.registry,
        clock: runtime.clock,
        config: runtime.config,
        logger: runtime.logger,
        metrics,
        onEnqueued: () => runtime.runner.wake(),
      });
      await server.start(opts.listen);
    },
    async stop() {
      unbind?.();
      await server?.stop();
    },
  };
}
