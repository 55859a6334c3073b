import { z } from 'zod';
import type { RouteSpec } from './context.js';

type Json = Record<string, unknown>;

function jsonSchema(s: z.ZodType): Json {
  // io: 'input' describes what a client sends (before transforms such as duration parsing).
  const out = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

/** Query or path parameters from an object schema's properties. */
function parameters(s: z.ZodType | undefined, where: 'query' | 'path'): Json[] {
  if (!s) return [];
  const js = jsonSchema(s);
  const props = (js.properties ?? {}) as Record<string, Json>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema,
  }));
}

/** A short OpenAPI 3.1 description generated from the route specs (their zod schemas). */
export function openApiDocument(routes: readonly RouteSpec[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const op: Json = {
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: r.tags,
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([code, description]) => [
          code,
          Number(code) < 300 && r.produces
            ? { description, content: { [r.produces]: { schema: { type: 'string' } } } }
            : Number(code) >= 400
              ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
              : { description },
        ]),
      ),
    };
    if (r.body) {
      const schema = jsonSchema(r.body);
      op.requestBody = {
        required: true,
        content: Object.fromEntries((r.bodyTypes ?? ['application/json']).map((t) => [t, { schema }])),
      };
    }
    if (!r.public) op.security = [{ bearer: [] }];
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ObserveBridge',
      version,
      description:
        'Replay/backfill, metrics, health and the read API. Mutating endpoints need ' +
        '`Authorization: Bearer $OBSERVEBRIDGE_API_TOKEN`. Reads are scoped by the `tenant` parameter.',
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message', 'request_id'],
          properties: {
            error: { type: 'string' },
            message: { type: 'string' },
            field: { type: 'string' },
            problems: { type: 'array', items: { type: 'string' } },
            request_id: { type: 'string' },
          },
        },
      },
    },
  };
}
