import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { ObjectEntry, ObjectStore } from './store.js';

/** A local folder laid out like a bucket: keys are paths relative to the root with `/` separators. */
export class FolderStore implements ObjectStore {
  readonly where: string;
  readonly requests = { list: 0, get: 0 };
  readonly #root: string;

  constructor(root: string) {
    this.#root = resolve(root);
    this.where = this.#root;
  }

  #path(key: string): string {
    const p = resolve(this.#root, ...key.split('/'));
    if (p !== this.#root && !p.startsWith(this.#root + sep)) throw new Error(`key escapes the folder: ${key}`);
    return p;
  }

  async list(prefix: string, delimiter?: string): Promise<{ objects: ObjectEntry[]; prefixes: string[] }> {
    this.requests.list++;
    const cut = prefix.lastIndexOf('/');
    const dirKey = cut === -1 ? '' : prefix.slice(0, cut + 1);
    const objects: ObjectEntry[] = [];
    const prefixes = new Set<string>();
    const walk = async (key: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(join(this.#root, ...key.split('/').filter(Boolean)), { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw e;
      }
      for (const d of entries) {
        const k = key + d.name;
        if (d.isDirectory()) {
          const dk = k + '/';
          if (!dk.startsWith(prefix) && !prefix.startsWith(dk)) continue;
          if (delimiter === '/' && dk.startsWith(prefix)) prefixes.add(dk);
          else await walk(dk);
        } else if (d.isFile() && k.startsWith(prefix)) {
          objects.push({ key: k, size: (await stat(join(this.#root, ...k.split('/')))).size });
        }
      }
    };
    await walk(dirKey);
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { objects, prefixes: [...prefixes].sort() };
  }

  async read(key: string): Promise<Uint8Array> {
    this.requests.get++;
    return readFile(this.#path(key));
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    this.requests.get++;
    const fh = await open(this.#path(key), 'r');
    try {
      const buf = Buffer.alloc(end - start);
      const { bytesRead } = await fh.read(buf, 0, end - start, start);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  async stream(key: string): Promise<NodeJS.ReadableStream & AsyncIterable<Uint8Array>> {
    this.requests.get++;
    return createReadStream(this.#path(key));
  }
}
