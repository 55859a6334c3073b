/**
 * The MCP server (`@modelcontextprotocol/sdk`), one per connection: stdio (`observebridge mcp`) or a
 * Streamable HTTP request (`/mcp` on the API server). The low-level Server is used rather than
 * McpServer so that arguments are validated by the API's validator (src/api/validate.ts): a bad
 * argument is a tool error that names it (`limit: must be at most 50`), never a protocol error
 * or a crash.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ValidationError, parseInput } from '../api/validate.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../obs/logger.js';
import { boundedJson } from './bound.js';
import { RESOURCES } from './resources.js';
import { ToolArgumentError, TOOLS, type ToolContext } from './tools.js';

export interface McpContext extends ToolContext {
  logger: Logger;
  version?: string;
}

const inputSchemas = new Map(
  TOOLS.map((t) => [
    t.name,
    z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  ]),
);

const toolError = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

export async function callTool(ctx: McpContext, name: string, args: unknown): Promise<CallToolResult> {
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) return toolError(`unknown tool '${name}'; tools: ${TOOLS.map((t) => t.name).join(', ')}`);
  let parsed: unknown;
  try {
    parsed = parseInput(tool.input, args ?? {}, '');
  } catch (e) {
    if (e instanceof ValidationError) return toolError(e.message);
    throw e;
  }
  try {
    const out = await tool.run(ctx, parsed as never);
    return { content: [{ type: 'text', text: boundedJson(out) }] };
  } catch (e) {
    if (e instanceof ToolArgumentError) return toolError(e.message);
    ctx.logger.error({ err: e, tool: name }, 'mcp: tool failed');
    return toolError(`${name} failed: ${errorMessage(e)}`);
  }
}

export function createMcpServer(ctx: McpContext): Server {
  const server = new Server(
    { name: 'observebridge', version: ctx.version ?? '0.1.0' },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        'Read-only access to ObserveBridge: telemetry summaries (calls, metrics, log patterns), the active ' +
        'call graph, topology, events with evidence, sampled traces, attribute discovery and the runbook ' +
        'knowledge base. Every tool takes a ' +
        'tenant code. Read observebridge://urn-rules to learn the resource ids.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: TOOLS.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: inputSchemas.get(t.name) as { type: 'object'; [k: string]: unknown },
      annotations: { readOnlyHint: true, openWorldHint: false },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => callTool(ctx, req.params.name, req.params.arguments));
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: RESOURCES.map((r) => ({ uri: r.uri, name: r.name, description: r.description, mimeType: r.mimeType })),
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    const r = RESOURCES.find((x) => x.uri === req.params.uri);
    if (!r) throw new Error(`unknown resource ${req.params.uri}; resources: ${RESOURCES.map((x) => x.uri).join(', ')}`);
    return { contents: [{ uri: r.uri, mimeType: r.mimeType, text: await r.read(ctx.db) }] };
  });
  return server;
}
