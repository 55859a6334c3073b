/**
 * The status page: a static single-page app served by the API server at `/`, with its scripts under
 * `/ui/`. Nothing to build at install time beyond `npm run build` (tsc compiles src/web/client/), and
 * nothing fetched from elsewhere: the graph libraries (cytoscape, cytoscape-dagre) are served from
 * node_modules by this server. Every data request of the page goes through the read API, with the
 * same token; the shell itself holds no tenant data.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface WebUiOptions {
  /** Throws (an ApiError) when the request may not load the page; the API's own check. */
  guard(req: FastifyRequest): void;
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function asset(file: string): Asset {
  const body = readFileSync(file);
  const ext = file.slice(file.lastIndexOf('.'));
  return {
    body,
    type: TYPES[ext] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

/** The ESM build of a dependency, next to the file its `require` condition resolves to. */
function vendorFile(pkg: string, file: string): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(pkg)), file);
}

/** Every file the page may load, read once at start: the URL space is this fixed list. */
function loadAssets(): Map<string, Asset> {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = new Map<string, Asset>();
  for (const dir of ['static', 'client']) {
    const root = join(here, dir);
    const walk = (rel: string): void => {
      for (const ent of readdirSync(join(root, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${ent.name}` : ent.name;
        if (ent.isDirectory()) walk(r);
        else if (/\.(html|css|js|svg)$/.test(ent.name)) out.set(`/ui/${r}`, asset(join(root, r)));
      }
    };
    walk('');
  }
  out.set('/ui/vendor/cytoscape.mjs', asset(vendorFile('cytoscape', 'cytoscape.esm.min.mjs')));
  out.set('/ui/vendor/cytoscape-dagre.mjs', asset(vendorFile('cytoscape-dagre', 'cytoscape-dagre.min.mjs')));
  return out;
}

/** The page's import map, inline in index.html: allowed by its hash, not by 'unsafe-inline'. */
function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `script-src 'self' ${hashes.join(' ')}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function registerWebUi(app: FastifyInstance, opts: WebUiOptions): void {
  const assets = loadAssets();
  const index = assets.get('/ui/index.html');
  if (!index) throw new Error('web: src/web/static/index.html is missing from the build (run npm run build)');
  const csp = contentSecurityPolicy(index.body.toString('utf8'));

  const send = (req: FastifyRequest, reply: import('fastify').FastifyReply, a: Asset) => {
    opts.guard(req);
    reply.header('etag', a.etag).header('cache-control', 'no-cache');
    if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
    return reply.type(a.type).send(a.body);
  };
  app.get('/', (req, reply) => {
    reply.header('content-security-policy', csp).header('referrer-policy', 'no-referrer');
    return send(req, reply, index);
  });
  app.get('/ui/*', (req, reply) => {
    const a = assets.get(req.url.split('?')[0]!);
    if (!a || req.url === '/ui/index.html') {
      return reply
        .code(404)
        .send({ error: 'not_found', message: 'no such file of the status page', request_id: req.id });
    }
    return send(req, reply, a);
  });
}
