import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, repoRoot } from '../../helpers/paths.js';
import type { TopologyExtract } from '../../../src/topology/model.js';

export const iacDir = join(fixturesDir, 'iac');
export const ansibleDir = join(fixturesDir, 'ansible');
export const ownFixtures = join(repoRoot, 'test', 'unit', 'topology', 'fixtures');

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** Edges as sorted `src -REL-> dst` lines: easy to read in a failing assertion. */
export function edgeLines(x: TopologyExtract, relation?: string): string[] {
  return x.edges
    .filter((e) => relation === undefined || e.relation === relation)
    .map((e) => `${e.src} -${e.relation}-> ${e.dst}`)
    .sort();
}

export function findEdge(
  x: TopologyExtract,
  src: string,
  dst: string,
  relation: string,
): TopologyExtract['edges'][number] | undefined {
  return x.edges.find((e) => e.src === src && e.dst === dst && e.relation === relation);
}
