/**
 * Reading provider attributes by dotted path. Terraform writes nested blocks as lists
 * (`vpc_config[0].subnet_ids`), Pulumi as objects (`vpcConfig.subnetIds`): lists are flattened
 * at every step, so one path (`vpc_config.subnet_ids`) reads both.
 */

/** Pulumi's signature key marks secrets, assets and other tagged values: never read through them. */
export const PULUMI_SIG_KEY = '4dabf18193072939515e22adb298388d';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isTaggedValue(v: unknown): boolean {
  return isRecord(v) && PULUMI_SIG_KEY in v;
}

function flatten(v: unknown, out: unknown[]): void {
  if (v === null || v === undefined || isTaggedValue(v)) return;
  if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else out.push(v);
}

export function valuesAt(obj: unknown, path: string): unknown[] {
  let cur: unknown[] = [];
  flatten(obj, cur);
  for (const seg of path.split('.')) {
    const next: unknown[] = [];
    for (const c of cur) if (isRecord(c)) flatten(c[seg], next);
    cur = next;
    if (cur.length === 0) break;
  }
  return cur;
}

export function stringsAt(obj: unknown, path: string): string[] {
  return valuesAt(obj, path).filter((v): v is string => typeof v === 'string' && v !== '');
}

export function firstString(obj: unknown, ...paths: string[]): string | undefined {
  for (const p of paths) {
    const s = stringsAt(obj, p)[0];
    if (s !== undefined) return s;
  }
  return undefined;
}

/** Whether the attribute exists at all (pruned states drop attributes; then we fall back). */
export function hasAttr(obj: unknown, path: string): boolean {
  let cur: unknown[] = [obj];
  for (const seg of path.split('.')) {
    const next: unknown[] = [];
    for (const c of cur) {
      const items = Array.isArray(c) ? c : [c];
      for (const it of items) if (isRecord(it) && seg in it) next.push(it[seg]);
    }
    if (next.length === 0) return false;
    cur = next;
  }
  return true;
}

/** A string-valued map (`tags`, `labels`); lists (GCP network tags) are not maps. */
export function stringMapAt(obj: unknown, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of valuesAt(obj, path)) {
    if (!isRecord(v)) continue;
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
    }
  }
  return out;
}

export function snakeCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** Maps whose keys are user data (tag names, label keys): their keys are kept as written. */
const USER_MAPS = new Set([
  'tags',
  'tags_all',
  'labels',
  'annotations',
  'selector',
  'match_labels',
  'node_selector',
  'variables',
  'triggers',
]);

/** Converts object keys to snake_case (Pulumi properties are camelCase TF attributes). */
export function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => snakeKeys(x));
  if (!isRecord(v) || isTaggedValue(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const sk = snakeCase(k);
    out[sk] = USER_MAPS.has(sk) ? x : snakeKeys(x);
  }
  return out;
}
