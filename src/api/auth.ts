import { createHash, timingSafeEqual } from 'node:crypto';

/** The environment variable holding the API token of mutating endpoints. */
export const TOKEN_ENV = 'OBSERVEBRIDGE_API_TOKEN';

/** The configured token, or undefined when none (empty or blank counts as none). */
export function tokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const t = env[TOKEN_ENV];
  return t !== undefined && t.trim() !== '' ? t : undefined;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * A checker of `Authorization: Bearer <token>` headers. Both sides are hashed first, so the
 * comparison is constant-time and of equal length whatever the caller sends (timingSafeEqual alone
 * throws on a length mismatch, which would leak the token's length).
 */
export function bearerChecker(token: string): (header: string | undefined) => boolean {
  const want = digest(token);
  return (header) => {
    if (typeof header !== 'string') return false;
    const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
    if (!m) return false;
    return timingSafeEqual(digest(m[1]!), want);
  };
}
