/**
 * MCP over Streamable HTTP on the API server: `POST /mcp`, behind the same bearer token (or
 * loopback-only rule) as every read route. Stateless: each request gets its own server and
 * transport (no session to keep or leak between clients), answered as JSON.
 */
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiContext } from '../api/context.js';
import { ApiError } from '../api/errors.js';
import { createMcpServer } from './server.js';

export const MCP_PATH = '/mcp';

export function registerMcpRoute(
  app: FastifyInstance,
  ctx: ApiContext,
  authorize: (req: FastifyRequest) => void,
): void {
  app.post(MCP_PATH, async (req, reply) => {
    authorize(req);
    const server = createMcpServer({ db: ctx.db, config: ctx.config, clock: ctx.clock, logger: ctx.logger });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    reply.hijack();
    await transport.handleRequest(req.raw, reply.raw, req.body);
  });
  // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
  for (const method of ['GET', 'DELETE'] as const)
    app.route({
      method,
      url: MCP_PATH,
      handler: async (req, reply) => {
        authorize(req);
        reply.header('allow', 'POST');
        throw new ApiError(405, 'method_not_allowed', 'this MCP endpoint is stateless: POST JSON-RPC messages');
      },
    });
}
