import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ActiveGraph, ImpactResult } from '../../../src/db/graph/queries.js';
import { migrate } from '../../../src/db/migrate.js';
import { PgliteDb } from '../../../src/db/pglite-driver.js';
import { runCli as cli } from '../../helpers/child.js';
import { T, refresh, seedFixtureGraph, seedTenant, urnOf } from './fixture.js';

describe('cli: graph', () => {
  it('shows, answers impact and path queries as JSON and text, and exits 2 on an unknown tenant or bad hops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ob-graph-'));
    try {
      const dbDir = join(dir, 'db');
      const db = await PgliteDb.open(dbDir);
      try {
        await migrate(db);
        const tenant = await seedTenant(db, 'acme');
        await seedFixtureGraph(db, tenant);
        await refresh(db, tenant, T);
      } finally {
        await db.close();
      }

      const show = cli(['graph', 'show', '--tenant', 'acme', '--db', dbDir, '--json']);
      assert.equal(show.code, 0, show.stderr);
      const g = JSON.parse(show.stdout) as ActiveGraph;
      assert.equal(g.tenant, 'acme');
      assert.equal(g.edges.length, 10);
      assert.deepEqual(Object.keys(g.edges[0]!).sort(), [
        'calls',
        'dst',
        'err_rate',
        'errors',
        'first_seen',
        'last_seen',
        'p95_ms',
        'rps',
        'src',
      ]);
      assert.ok(g.nodes.some((n) => n.urn === urnOf('orders')));

      const imp = cli([
        'graph',
        'impact',
        '--tenant',
        'acme',
        '--urn',
        urnOf('db'),
        '--hops',
        '2',
        '--direction',
        'up',
        '--db',
        dbDir,
        '--json',
      ]);
      assert.equal(imp.code, 0, imp.stderr);
      const i = JSON.parse(imp.stdout) as ImpactResult;
      assert.deepEqual(
        i.upstream?.map((n) => [n.urn, n.hops]),
        [
          [urnOf('orders'), 1],
          [urnOf('users'), 1],
          [urnOf('api'), 2],
          [urnOf('batch'), 2],
          [urnOf('payments'), 2],
        ],
      );
      assert.equal(i.downstream, undefined);

      const path = cli([
        'graph',
        'path',
        '--tenant',
        'acme',
        '--from',
        urnOf('web'),
        '--to',
        urnOf('bank'),
        '--db',
        dbDir,
      ]);
      assert.equal(path.code, 0, path.stderr);
      assert.match(path.stdout, /web → urn:k8s:svc:default\/api → urn:k8s:svc:default\/orders → .*bank {2}\(4 hops\)/);

      const bad = cli(['graph', 'show', '--tenant', 'nobody', '--db', dbDir]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /unknown tenant 'nobody'/);
      const badHops = cli(['graph', 'impact', '--tenant', 'acme', '--urn', urnOf('db'), '--hops', 'x', '--db', dbDir]);
      assert.equal(badHops.code, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
