import { schemaStatus } from '../../db/queries/readiness.js';
import { defineRoute } from '../context.js';

export const healthzRoute = defineRoute({
  method: 'GET',
  url: '/healthz',
  public: true,
  summary: 'The process is alive',
  tags: ['health'],
  responses: { 200: 'Alive' },
  async handler() {
    return { status: 'ok' };
  },
});

export const readyzRoute = defineRoute({
  method: 'GET',
  url: '/readyz',
  public: true,
  summary: 'The database is reachable and its schema is current',
  tags: ['health'],
  responses: { 200: 'Ready', 503: 'Not ready (database unreachable or migrations missing)' },
  async handler({ reply, ctx, req }) {
    try {
      const s = await schemaStatus(ctx.db);
      if (!s.current) {
        return reply.code(503).send({
          status: 'not_ready',
          reason: 'migrations not current: run `observebridge migrate`',
          schema: { database: s.database, code: s.code, missing: s.missing },
        });
      }
      return { status: 'ready', schema: { database: s.database, code: s.code } };
    } catch (e) {
      // The cause (host names, SQL) stays in the log.
      ctx.logger.warn({ err: e, request_id: req.id }, 'readyz: database check failed');
      return reply.code(503).send({ status: 'not_ready', reason: 'database unreachable or not migrated' });
    }
  },
});
