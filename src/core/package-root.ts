import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The installed package's root (holds sql/ and configs/), from src/ or the compiled dist/src/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'sql'))) return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('observebridge: package root (with sql/) not found');
    dir = up;
  }
}
