import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'sql'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`repository root not found above ${start}`);
    dir = up;
  }
}

/** The checkout's root (works from test/ and from the compiled dist/test/). */
export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
/** `shared/fixtures` beside the clone (read directly, never copied into the repo). */
export const fixturesDir = resolve(repoRoot, '..', 'shared', 'fixtures');
export const referenceDir = resolve(repoRoot, '..', 'shared', 'reference');
