// Copies the .sql files that live beside the code, and the status page's static files
// (src/web/static/), into dist/, so compiled modules find them at the same relative path as in src/.
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.sql') || /^src[\\/]web[\\/]static[\\/]/.test(p)) out.push(p);
  }
  return out;
}
for (const root of ['src', 'test', 'bench']) {
  for (const file of walk(root)) {
    const dest = join('dist', file);
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(file, dest);
  }
}
