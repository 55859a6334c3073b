import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { TopologyInputError } from '../input-error.js';
import type { AnsibleSources, PlaybookSources } from './extract-ansible.js';
import type { TextFile } from './playbook.js';
import type { VarsDirListing } from './vars-files.js';

/** Inventory file names looked for when a directory is given. */
export const INVENTORY_NAMES = [
  'hosts',
  'hosts.ini',
  'hosts.yml',
  'hosts.yaml',
  'inventory',
  'inventory.ini',
  'inventory.yml',
  'inventory.yaml',
  'hosts.json',
];

const MAX_FILE_BYTES = 4 * 1024 * 1024;

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TopologyInputError(
      path,
      undefined,
      code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`,
    );
  }
}

/** Files under `dir`, recursively, as paths relative to it (sorted). */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && (await stat(p)).size <= MAX_FILE_BYTES) out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  if (await isDir(dir)) await walk(dir);
  return out;
}

async function varsDir(dir: string, display: string): Promise<VarsDirListing | undefined> {
  if (!(await isDir(dir))) return undefined;
  const files = await Promise.all(
    (await listFiles(dir)).map(async (rel) => ({ rel, text: await readText(join(dir, rel)) })),
  );
  return { display, root: dir, files };
}

async function textFiles(base: string, sub: string, filter: (rel: string) => boolean): Promise<TextFile[]> {
  const dir = join(base, sub);
  const rels = (await listFiles(dir)).filter(filter);
  return Promise.all(
    rels.map(async (rel) => ({ file: `${sub}/${rel}`, path: join(dir, rel), text: await readText(join(dir, rel)) })),
  );
}

const YAML_FILE = (rel: string): boolean => /\.ya?ml$/i.test(rel);

/**
 * Reads what the Ansible extractor needs from disk. `path` is an inventory file, or a directory
 * holding one (`hosts`, `inventory`, ...); a directory with `roles/` or playbooks is also the
 * playbook directory unless `playbookDir` says otherwise.
 */
export async function loadAnsibleSources(
  path: string,
  playbookDir?: string,
  inventoryId?: string,
): Promise<AnsibleSources> {
  let inventoryFile = path;
  let pbDir = playbookDir;
  if (await isDir(path)) {
    const found = (
      await Promise.all(INVENTORY_NAMES.map(async (n) => ((await isFile(join(path, n))) ? join(path, n) : undefined)))
    ).find((x) => x !== undefined);
    if (found === undefined)
      throw new TopologyInputError(
        path,
        undefined,
        `no inventory file found (looked for ${INVENTORY_NAMES.join(', ')})`,
      );
    inventoryFile = found;
    if (pbDir === undefined && ((await isDir(join(path, 'roles'))) || (await isFile(join(path, 'site.yml')))))
      pbDir = path;
  }
  const invDir = dirname(inventoryFile);
  const src: AnsibleSources = {
    inventory: { file: basename(inventoryFile), path: inventoryFile, text: await readText(inventoryFile) },
    inventoryId: inventoryId ?? basename(resolve(invDir)),
  };
  const gv = await varsDir(join(invDir, 'group_vars'), 'group_vars');
  const hv = await varsDir(join(invDir, 'host_vars'), 'host_vars');
  if (gv !== undefined) src.groupVars = gv;
  if (hv !== undefined) src.hostVars = hv;
  if (pbDir !== undefined)
    src.playbook = await loadPlaybookDir(pbDir, resolve(pbDir) !== resolve(invDir), resolve(inventoryFile));
  return src;
}

export async function loadPlaybookDir(dir: string, withVars: boolean, exclude?: string): Promise<PlaybookSources> {
  if (!(await isDir(dir))) throw new TopologyInputError(dir, undefined, 'playbook directory not found');
  const top = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && YAML_FILE(e.name) && resolve(join(dir, e.name)) !== exclude)
    .map((e) => e.name)
    .sort();
  const playbooks: TextFile[] = await Promise.all(
    top.map(async (n) => ({ file: n, path: join(dir, n), text: await readText(join(dir, n)) })),
  );
  playbooks.push(...(await textFiles(dir, 'playbooks', (rel) => YAML_FILE(rel) && !rel.includes('/'))));
  const roles: PlaybookSources['roles'] = new Map();
  const rolesDir = join(dir, 'roles');
  if (await isDir(rolesDir)) {
    for (const e of (await readdir(rolesDir, { withFileTypes: true }))
      .filter((x) => x.isDirectory())
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const base = join('roles', e.name);
      const entry: { templates: TextFile[]; tasks: TextFile[]; meta?: TextFile } = {
        templates: await textFiles(dir, `${base}/templates`, () => true),
        tasks: await textFiles(dir, `${base}/tasks`, YAML_FILE),
      };
      const meta = (await textFiles(dir, `${base}/meta`, (rel) => rel === 'main.yml' || rel === 'main.yaml'))[0];
      if (meta !== undefined) entry.meta = meta;
      roles.set(e.name, entry);
    }
  }
  const out: PlaybookSources = { dir, playbooks, roles };
  if (withVars) {
    const gv = await varsDir(join(dir, 'group_vars'), 'playbook:group_vars');
    const hv = await varsDir(join(dir, 'host_vars'), 'playbook:host_vars');
    if (gv !== undefined) out.groupVars = gv;
    if (hv !== undefined) out.hostVars = hv;
  }
  return out;
}
