/**
 * Stable pattern fingerprints: a non-negative 63-bit integer written as a decimal string, so it fits a
 * PostgreSQL BIGINT and survives JSON without precision loss.
 *
 * The value is the first 8 bytes of SHA-256 over the template text (tokens joined by one space), with
 * the top bit cleared. It depends on nothing but that text: no process, clock, counter or insertion
 * order, so every process that hashes the same first template gets the same fingerprint.
 */
import { createHash } from 'node:crypto';

const MASK63 = (1n << 63n) - 1n;

/** Fingerprint of a template given as text. Never `'0'`, so 0 can mean "none" in a BIGINT column. */
export function fingerprintOfText(template: string): string {
  const digest = createHash('sha256').update(template, 'utf8').digest();
  const v = digest.readBigUInt64BE(0) & MASK63;
  return (v === 0n ? 1n : v).toString();
}

/** Fingerprint of a template given as tokens (joined by single spaces). */
export function fingerprintOf(tokens: readonly string[]): string {
  return fingerprintOfText(tokens.join(' '));
}
