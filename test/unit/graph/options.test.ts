import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/errors.js';
import { graphName } from '../../../src/db/graph/graph-name.js';
import { parseAgeRefreshOptions } from '../../../src/db/graph/options.js';
import { graphSql } from '../../../src/db/graph/sql-files.js';
import { repoRoot } from '../../helpers/paths.js';

describe('age-refresh options', () => {
  it('defaults to the sql mode on graph ops, without topology, in batches of 1000', () => {
    assert.deepEqual(parseAgeRefreshOptions(undefined), {
      mode: 'sql',
      graph: 'ops',
      withTopology: false,
      batchSize: 1000,
    });
    assert.equal(parseAgeRefreshOptions({ mode: 'cypher' }).mode, 'cypher');
  });

  it('rejects a bad mode or an unknown key with the config path', () => {
    assert.throws(
      () => parseAgeRefreshOptions({ mode: 'fast' }),
      (e: unknown) => {
        return e instanceof ConfigError && e.message.includes('jobs.age-refresh.options.mode');
      },
    );
    assert.throws(() => parseAgeRefreshOptions({ grpah: 'x' }), ConfigError);
  });

  it('accepts only graph names that are safe to splice and that AGE accepts', () => {
    for (const ok of ['ops', 'ops_graph', '_g1', 'a23']) assert.equal(graphName(ok), ok);
    for (const bad of ['g1', 'Ops', 'ops-graph', 'ops"; DROP TABLE x; --', '1ops', '', 'o'.repeat(64)]) {
      assert.throws(() => graphName(bad), ConfigError, bad);
    }
    assert.throws(() => parseAgeRefreshOptions({ graph: 'a"b' }), /options\.graph/);
  });

  it('keeps sql/capabilities/age.sql equal to the graph template rendered for ops', () => {
    const strip = (s: string): string =>
      s
        .split('\n')
        .filter((l) => !l.startsWith('--'))
        .join('\n')
        .trim();
    const migrateTime = readFileSync(join(repoRoot, 'sql', 'capabilities', 'age.sql'), 'utf8');
    assert.equal(strip(migrateTime), strip(graphSql('age-graph.sql', graphName('ops'))));
  });
});
