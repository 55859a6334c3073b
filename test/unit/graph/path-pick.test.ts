import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodesOnShortestPaths, pickShortestPath } from '../../../src/db/graph/path-pick.js';

/** Breadth-first distances over a small edge list (the oracle for the readers' hopDistances). */
function bfs(edges: [number, number][], start: number, reverse = false): Map<number, number> {
  const dist = new Map([[start, 0]]);
  let frontier = [start];
  for (let h = 1; frontier.length > 0; h++) {
    const next: number[] = [];
    for (const [a, b] of edges) {
      const [from, to] = reverse ? [b, a] : [a, b];
      if (frontier.includes(from) && !dist.has(to)) {
        dist.set(to, h);
        next.push(to);
      }
    }
    frontier = next;
  }
  dist.delete(start);
  return dist;
}

describe('pickShortestPath', () => {
  // 1 → 2 → 4 → 5, 1 → 3 → 4, 1 → 6 → 7 → 8 → 5 (longer), plus a cycle 4 → 1.
  const edges: [number, number][] = [
    [1, 2],
    [2, 4],
    [4, 5],
    [1, 3],
    [3, 4],
    [1, 6],
    [6, 7],
    [7, 8],
    [8, 5],
    [4, 1],
  ];
  const urn = (id: number): string => ({ 2: 'urn:b', 3: 'urn:a' })[id] ?? `urn:${id}`;

  it('takes the shortest path with the smallest URN sequence', () => {
    const fwd = bfs(edges, 1);
    const bwd = bfs(edges, 5, true);
    const len = fwd.get(5)!;
    assert.equal(len, 3);
    const on = nodesOnShortestPaths(1, 5, len, fwd, bwd);
    assert.deepEqual(new Set(on), new Set([1, 2, 3, 4, 5]));
    const path = pickShortestPath(
      1,
      5,
      len,
      fwd,
      bwd,
      edges.map(([src, dst]) => ({ src, dst })),
      urn,
    );
    assert.deepEqual(path, [1, 3, 4, 5]); // urn:a (3) before urn:b (2)
  });

  it('follows the other branch when the URNs say so', () => {
    const fwd = bfs(edges, 1);
    const bwd = bfs(edges, 5, true);
    const path = pickShortestPath(
      1,
      5,
      3,
      fwd,
      bwd,
      edges.map(([src, dst]) => ({ src, dst })),
      (id) => `urn:${id}`,
    );
    assert.deepEqual(path, [1, 2, 4, 5]);
  });
});
