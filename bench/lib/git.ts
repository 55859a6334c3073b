import { execFileSync } from 'node:child_process';
import { repoRoot } from './paths.js';

/** Short commit of the checkout, with `+dirty` when tracked files under src/ or bench/ differ from it. */
export function gitCommit(root = repoRoot()): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'bench', 'sql'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    return dirty === '' ? sha : `${sha}+dirty`;
  } catch {
    return 'unknown';
  }
}
