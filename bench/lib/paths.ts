import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest ancestor of this module with a package.json (works from src and dist). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('bench: no package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** The compiled file of a bench module, given its path relative to the root (e.g. bench/window/case.js). */
export function distFile(rel: string): string {
  return join(repoRoot(), 'dist', rel);
}
