/**
 * `curl -d '{...}'` sends `Content-Type: application/x-www-form-urlencoded`; the seed's demo (§9)
 * is written that way. For the agent's routes only, such a body is read as JSON — but only when no
 * browser could have sent it: a cross-site form also sends this type (without a CORS preflight), and
 * browsers always add an Origin header to it, so a request with a foreign Origin is refused.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hostOfHeader, isLoopbackHost } from '../api/listen.js';
import { OPS_PATHS } from './routes.js';

class MediaTypeError extends Error {
  readonly statusCode = 415;
  readonly code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
}

function sameSiteOrNoOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const host = hostOfHeader(new URL(origin).host);
    return host !== undefined && isLoopbackHost(host) && hostOfHeader(req.headers.host) === host;
  } catch {
    return false;
  }
}

export function registerFormJsonParser(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
    const path = req.url.split('?')[0] ?? '';
    if (!OPS_PATHS.some((p) => path.startsWith(p)) || !sameSiteOrNoOrigin(req)) {
      done(new MediaTypeError('unsupported Content-Type'), undefined);
      return;
    }
    json(req, String(body), done);
  });
}
