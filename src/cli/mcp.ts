import type { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { systemClock } from '../core/clock.js';
import { createMcpServer } from '../mcp/server.js';
import { configOption, dbOption, type DbOptions, openContext } from './context.js';

/** `observebridge mcp`: the MCP tools over stdio, for an agent that starts us as a subprocess. */
export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('serve the MCP tools (dependencies, graph, patterns, events, knowledge base…) over stdio')
    .addOption(dbOption())
    .addOption(configOption())
    .action(async (opts: DbOptions) => {
      const ctx = await openContext(opts);
      try {
        const server = createMcpServer({
          db: ctx.db,
          config: ctx.loaded.config,
          clock: systemClock,
          logger: ctx.logger,
        });
        const transport = new StdioServerTransport();
        const closed = new Promise<void>((resolve) => {
          transport.onclose = () => resolve();
          process.stdin.once('end', () => resolve());
        });
        await server.connect(transport);
        ctx.logger.info('mcp: serving on stdio');
        await closed;
        await server.close();
      } finally {
        await ctx.close();
      }
    });
}
