import { isIP } from 'node:net';
import { ObserveBridgeError } from '../core/errors.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export class ListenError extends ObserveBridgeError {}

/** `HOST:PORT` or `[v6]:PORT` → host and port. */
export function parseListen(text: string, what = 'http.listen'): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new ListenError(
      'bad_listen',
      `${what}: must be HOST:PORT or [IPv6]:PORT with a port up to 65535 (got '${text}')`,
    );
  }
  return { host: (m[1] ?? m[2])!, port };
}

/**
 * Loopback only: 127.0.0.0/8, ::1, the v4-mapped 127.x and the name `localhost`. Other names are not
 * resolved (what they resolve to can change), so they count as non-loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) {
    if (h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}

/** The Host header's host part (`[::1]:8080` → `::1`, `localhost:8080` → `localhost`). */
export function hostOfHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(header) ?? /^([^:]+)(?::\d+)?$/.exec(header);
  return m?.[1];
}
