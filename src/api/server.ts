/**
 * The HTTP server: replay/backfill (`POST /events/enqueue`), `/metrics`, `/healthz`, `/readyz`, the
 * read API, `/openapi.json` and the status page at `/` (src/web/). One lifecycle like every long-lived part: `start(listen)` binds and
 * returns, `stop()` stops intake and waits for in-flight requests; stop is safe before start and twice.
 *
 * Security: every route but the probes and /metrics needs `Authorization: Bearer
 * $OBSERVEBRIDGE_API_TOKEN` (constant-time check) — reads return tenant data (services, log samples).
 * Without a token the server refuses to bind anything but loopback, and requests must name a
 * loopback Host (a page on another site cannot reach it through DNS rebinding). Bodies
 * are size-limited and validated once here; error bodies never carry input values, SQL or stack traces.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { packageRoot } from '../core/package-root.js';
import { bearerChecker, tokenFromEnv } from './auth.js';
import { CLOUDEVENTS_JSON } from './cloudevents.js';
import type { ApiContext, RouteSpec } from './context.js';
import { ApiError, toErrorResponse } from './errors.js';
import { hostOfHeader, isLoopbackHost, ListenError, parseListen, type ListenAddress } from './listen.js';
import { registerMcpRoute } from '../mcp/http.js';
import { openApiDocument } from './openapi.js';
import { enqueueRoute } from './routes/events.js';
import { graphImpactRoute, graphRoute } from './routes/graph.js';
import { healthzRoute, readyzRoute } from './routes/health.js';
import { kbSearchRoute } from './routes/kb.js';
import { metricsRoute } from './routes/metrics.js';
import { edgeLogsRoute, patternEdgesRoute, traceRoute, tracesRoute } from './routes/correlation.js';
import {
  discoveryCarriersRoute,
  discoveryCooccurringRoute,
  discoveryKeysRoute,
  discoveryNamesRoute,
  discoveryNamespacesRoute,
} from './routes/discovery.js';
import { dependenciesRoute, evidenceRoute, runsRoute, topologyRoute } from './routes/reads.js';
import { statusRoute } from './routes/status.js';
import { registerWebUi } from '../web/plugin.js';
import { postEventsRoute } from './routes/external-events.js';
import { ackEventRoute, getEventRoute, listEventsRoute, reloadRulesRoute } from './routes/rule-events.js';
import { parseInput } from './validate.js';
import { kbLibrarian } from '../ops/librarian.js';
import { OpsAgent } from '../ops/agent.js';
import { registerFormJsonParser } from '../ops/http.js';
import { OPS_ROUTES } from '../ops/routes.js';

export const DEFAULT_LISTEN = '127.0.0.1:8080';
export const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface ApiServerOptions extends Omit<ApiContext, 'ops'> {
  /**
   * Token of every route but the probes and /metrics. Default: the environment variable OBSERVEBRIDGE_API_TOKEN;
   * `null` means none (loopback only).
   */
  token?: string | null;
  /**
   * Read lag, queue depth and circuit state from `db` at each scrape (metrics.attachDb).
   * @defaultValue true
   */
  attachMetrics?: boolean;
  /** The OPS agent; default: one built from config.ops (null: none). Started and stopped with the server. */
  ops?: OpsAgent | null;
}

export interface ApiServer {
  readonly app: FastifyInstance;
  /** Binds `listen` (HOST:PORT; default config http.listen, then 127.0.0.1:8080). Port 0 picks a free one. */
  start(listen?: string): Promise<ListenAddress>;
  /** Stops accepting, waits for in-flight requests. Safe before start and more than once. */
  stop(): Promise<void>;
  /** The bound address once started. */
  readonly address: ListenAddress | undefined;
}

/** Every route, in the order /openapi.json lists them. */
export const ROUTES: readonly RouteSpec[] = [
  enqueueRoute,
  metricsRoute,
  healthzRoute,
  readyzRoute,
  runsRoute,
  dependenciesRoute,
  evidenceRoute,
  topologyRoute,
  graphRoute,
  graphImpactRoute,
  statusRoute,
  ...OPS_ROUTES,
  listEventsRoute,
  postEventsRoute,
  getEventRoute,
  ackEventRoute,
  reloadRulesRoute,
  kbSearchRoute,
  traceRoute,
  tracesRoute,
  edgeLogsRoute,
  patternEdgesRoute,
  discoveryNamespacesRoute,
  discoveryNamesRoute,
  discoveryKeysRoute,
  discoveryCarriersRoute,
  discoveryCooccurringRoute,
] as RouteSpec[];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function createApiServer(opts: ApiServerOptions): ApiServer {
  const ctx: ApiContext = {
    db: opts.db,
    registry: opts.registry,
    clock: opts.clock,
    config: opts.config,
    logger: opts.logger,
    metrics: opts.metrics,
    ...(opts.onEnqueued ? { onEnqueued: opts.onEnqueued } : {}),
  };
  const ops =
    opts.ops === undefined
      ? opts.config.ops.enabled === false
        ? undefined
        : new OpsAgent({
            db: opts.db,
            config: opts.config.ops,
            logger: opts.logger,
            registry: opts.metrics.registry,
            clock: opts.clock,
            librarian: kbLibrarian(opts.db, opts.config.kb),
          })
      : (opts.ops ?? undefined);
  if (ops) ctx.ops = ops;
  const token = opts.token === undefined ? tokenFromEnv() : (opts.token ?? undefined);
  const checkToken = token === undefined ? undefined : bearerChecker(token);
  const bodyLimit = opts.config.http.body_limit_bytes ?? DEFAULT_BODY_LIMIT;

  if (opts.attachMetrics !== false) {
    const configured = new Set(opts.config.tenants.map((t) => t.code));
    opts.metrics.attachDb({
      db: opts.db,
      clock: opts.clock,
      logger: opts.logger,
      jobs: () => opts.registry.jobs.map((j) => j.name),
      include: (job, tenant) => configured.has(tenant) && opts.registry.settings(job, tenant).enabled,
    });
  }

  const app = Fastify({
    logger: false,
    bodyLimit,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Bounded work per request: a client that trickles its request or holds a socket cannot pin it.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    routerOptions: { maxParamLength: 1024, ignoreTrailingSlash: true },
  });

  // Only JSON bodies: a text/plain POST is what a cross-site form can send without a CORS preflight.
  app.removeContentTypeParser('text/plain');
  // CloudEvents structured mode is JSON; the default parser guards against prototype poisoning.
  app.addContentTypeParser(CLOUDEVENTS_JSON, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  registerFormJsonParser(app);

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    // Static assets of the status page set their own (revalidated by ETag); everything else is never stored.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    opts.logger.debug(
      {
        request_id: req.id,
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'http',
    );
  });

  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorResponse(err, req.id);
    if (status >= 500)
      opts.logger.error({ err, request_id: req.id, route: req.routeOptions.url }, 'http: request failed');
    else opts.logger.debug({ request_id: req.id, status, error: body.error, field: body.field }, 'http: rejected');
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="observebridge"');
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: 'not_found', message: 'no such route; see /openapi.json', request_id: req.id }),
  );

  const authorize = (req: FastifyRequest): void => {
    if (checkToken) {
      if (!checkToken(req.headers.authorization))
        throw new ApiError(401, 'unauthorized', 'missing or invalid bearer token');
      return;
    }
    const host = hostOfHeader(req.headers.host);
    if (!host || !isLoopbackHost(host)) {
      throw new ApiError(403, 'forbidden', 'no API token is configured: requests are accepted on loopback only');
    }
  };

  for (const spec of ROUTES) {
    app.route({
      method: spec.method,
      url: spec.url,
      ...(spec.bodyLimit !== undefined ? { bodyLimit: spec.bodyLimit } : {}),
      handler: async (req, reply) => {
        if (!spec.public) authorize(req);
        const params = spec.params ? parseInput(spec.params, req.params, 'params') : {};
        const query = spec.query ? parseInput(spec.query, req.query ?? {}, 'query') : {};
        return spec.handler({ params, query, req, reply, ctx });
      },
    });
  }
  registerMcpRoute(app, ctx, authorize);
  const doc = openApiDocument(ROUTES, version());
  app.get('/openapi.json', async () => doc);
  // The status page's shell holds no tenant data, and a browser cannot send a bearer token when it
  // navigates: with a token it is open (its API calls carry the token); without one, loopback only.
  registerWebUi(app, { guard: (req) => (checkToken ? undefined : authorize(req)) });

  let address: ListenAddress | undefined;
  let starting: Promise<ListenAddress> | undefined;
  let stopping: Promise<void> | undefined;

  return {
    app,
    get address() {
      return address;
    },
    start(listen) {
      if (stopping) return Promise.reject(new ListenError('http_stopped', 'http: the server was stopped'));
      starting ??= (async () => {
        const where = parseListen(listen ?? opts.config.http.listen ?? DEFAULT_LISTEN);
        if (!checkToken && !isLoopbackHost(where.host)) {
          throw new ListenError(
            'http_unsafe_listen',
            `http.listen: refusing to listen on ${where.host}:${where.port} without an API token. ` +
              `Set OBSERVEBRIDGE_API_TOKEN (requests then need "Authorization: Bearer <token>"), ` +
              `or listen on loopback (127.0.0.1:${where.port}).`,
          );
        }
        await ops?.start();
        await app.listen({ host: where.host, port: where.port });
        const a = app.server.address();
        address = typeof a === 'object' && a !== null ? { host: where.host, port: a.port } : where;
        opts.logger.info(
          { listen: `${address.host}:${address.port}`, auth: checkToken ? 'token' : 'loopback' },
          'http: listening',
        );
        return address;
      })();
      return starting;
    },
    stop() {
      stopping ??= (async () => {
        // A start in progress finishes (or fails) first, so close() sees a settled server.
        await starting?.catch(() => undefined);
        await app.close();
        await ops?.stop();
        address = undefined;
      })();
      return stopping;
    },
  };
}
