/**
 * Terraform addresses: `module.a["k"].module.b.aws_instance.web[0]`. Dependencies name
 * resources by *config* address (no instance keys), nodes are instances.
 */

/** Removes instance keys (`[0]`, `["a]b"]`) from an address, respecting quoted keys. */
export function stripInstanceKeys(addr: string): string {
  if (!addr.includes('[')) return addr;
  let out = '';
  let i = 0;
  while (i < addr.length) {
    const c = addr[i];
    if (c === '[') {
      i = skipKey(addr, i);
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Index just past the `[...]` that starts at `start`. */
function skipKey(addr: string, start: number): number {
  let i = start + 1;
  if (addr[i] === '"') {
    i++;
    while (i < addr.length && addr[i] !== '"') i += addr[i] === '\\' ? 2 : 1;
    i++;
  }
  while (i < addr.length && addr[i] !== ']') i++;
  return i + 1;
}

/** `module.a["x"].module.b` -> [`module.a["x"]`, `module.b`]. */
export function moduleSegments(modulePath: string): string[] {
  const segs: string[] = [];
  let i = 0;
  let cur = '';
  while (i < modulePath.length) {
    const c = modulePath[i];
    if (c === '[') {
      const end = skipKey(modulePath, i);
      cur += modulePath.slice(i, end);
      i = end;
      continue;
    }
    if (c === '.' && cur.startsWith('module.') && cur.length > 'module.'.length) {
      segs.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += c;
    i++;
  }
  if (cur !== '') segs.push(cur);
  return segs;
}

export function indexSuffix(key: unknown): string {
  if (typeof key === 'number') return `[${key}]`;
  if (typeof key === 'string') return `[${JSON.stringify(key)}]`;
  return '';
}

/** The module part of a resource address (`module.a.module.b.aws_x.y` -> `module.a.module.b`). */
export function modulePartOf(resourceAddr: string): string {
  const segs = moduleSegments(resourceAddr);
  const mods: string[] = [];
  for (const s of segs) {
    if (!s.startsWith('module.')) break;
    mods.push(s);
  }
  // The last two segments of a resource address are type.name, never a module.
  return mods.join('.');
}
