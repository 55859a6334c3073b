import { TopologyInputError } from '../input-error.js';
import type { Vars, VarsFiles } from './inventory.js';
import { loadAnsibleYaml } from './yaml-load.js';

/** The files of one `group_vars/` or `host_vars/` directory: paths relative to it, and contents. */
export interface VarsDirListing {
  /** How to name the directory in provenance (`group_vars`): stable, so edge props do not change with the path. */
  display: string;
  /** Where it is, for error messages (defaults to `display`). */
  root?: string;
  files: { rel: string; text: string }[];
}

const EXTS = ['', '.yml', '.yaml', '.json'];

function extOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot);
}

/**
 * Picks the files the host_group_vars plugin would load for each entity: `<name>` (a file or a
 * directory, read recursively in sorted order), else `<name>.yml`, `.yaml`, `.json` — only the
 * first that exists. Hidden files and `~` backups are ignored.
 */
export function selectVarsFiles(listing: VarsDirListing): Map<string, { file: string; path: string; text: string }[]> {
  const byEntity = new Map<string, Map<string, { rel: string; text: string }[]>>();
  for (const f of listing.files) {
    const segs = f.rel.split('/');
    if (segs.some((s) => s.startsWith('.') || s.endsWith('~'))) continue;
    const top = segs[0] as string;
    let entity: string;
    let variant: string;
    if (segs.length === 1) {
      const ext = extOf(top);
      if (!EXTS.includes(ext)) continue;
      entity = ext === '' ? top : top.slice(0, -ext.length);
      variant = ext;
    } else {
      if (extOf(top) !== '') continue;
      if (!EXTS.includes(extOf(f.rel))) continue;
      entity = top;
      variant = '';
    }
    const variants = byEntity.get(entity) ?? new Map<string, { rel: string; text: string }[]>();
    byEntity.set(entity, variants);
    variants.set(variant, [...(variants.get(variant) ?? []), f]);
  }
  const out = new Map<string, { file: string; path: string; text: string }[]>();
  for (const [entity, variants] of byEntity) {
    const chosen = EXTS.map((e) => variants.get(e)).find((v) => v !== undefined) ?? [];
    out.set(
      entity,
      [...chosen]
        .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
        .map((f) => ({
          file: `${listing.display}/${f.rel}`,
          path: `${listing.root ?? listing.display}/${f.rel}`,
          text: f.text,
        })),
    );
  }
  return out;
}

export function parseVarsFile(text: string, file: string, warn: (m: string) => void): Vars {
  if (text.startsWith('$ANSIBLE_VAULT')) {
    warn(`${file}: vault-encrypted, skipped`);
    return {};
  }
  const data = loadAnsibleYaml(text, file);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new TopologyInputError(file, { path: '' }, 'a vars file must hold a mapping of variable names to values');
  return data as Vars;
}

export function collectVarsFiles(
  groupVars: VarsDirListing | undefined,
  hostVars: VarsDirListing | undefined,
  warn: (m: string) => void,
): VarsFiles {
  const load = (l: VarsDirListing | undefined): Map<string, { file: string; vars: Vars }[]> => {
    const out = new Map<string, { file: string; vars: Vars }[]>();
    if (l === undefined) return out;
    for (const [entity, files] of selectVarsFiles(l))
      out.set(
        entity,
        files.map((f) => ({ file: f.file, vars: parseVarsFile(f.text, f.path, warn) })),
      );
    return out;
  };
  return { groups: load(groupVars), hosts: load(hostVars) };
}
