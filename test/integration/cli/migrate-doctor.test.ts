import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadMigrations } from '../../../src/db/migrate.js';
import { runCli } from '../../helpers/child.js';

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(args, { env });
}

describe('cli: migrate and doctor', () => {
  it('migrates a PGlite directory, twice, and doctor reports it healthy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ob-cli-'));
    try {
      const db = join(dir, 'db');
      const first = cli(['migrate', '--db', db, '--json']);
      assert.equal(first.code, 0, first.stderr);
      const r1 = JSON.parse(first.stdout) as { applied: string[]; tenants: string[] };
      assert.deepEqual(
        r1.applied,
        loadMigrations().map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`),
      );
      assert.ok(r1.applied.length >= 2);
      assert.deepEqual(r1.tenants, ['acme', 'globex']);
      const second = cli(['migrate', '--db', db, '--json']);
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual((JSON.parse(second.stdout) as { applied: string[] }).applied, []);
      const doc = cli(['doctor', '--db', db, '--json']);
      assert.equal(doc.code, 0, doc.stderr);
      const d = JSON.parse(doc.stdout) as { ok: boolean; checks: { name: string; status: string; detail: string }[] };
      assert.equal(d.ok, true);
      assert.equal(d.checks.find((c) => c.name === 'schema')?.status, 'ok');
      assert.match(d.checks.find((c) => c.name === 'capability age')?.detail ?? '', /graph_active_edge/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 and names the field for a bad config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ob-cli-'));
    try {
      const cfg = join(dir, 'bad.yaml');
      writeFileSync(
        cfg,
        'sources: {a: {kind: mock}}\ntenants:\n  - code: a\n    source: a\n    initial_lookback: {default: 5 minutes}\n',
      );
      const r = cli(['migrate', '--config', cfg, '--db', join(dir, 'db')]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /tenants\[0\]\.initial_lookback\.default: must be a duration/);
      const d = cli(['doctor', '--config', cfg, '--db', join(dir, 'db')]);
      assert.equal(d.code, 2);
      assert.match(d.stdout, /FAIL\s+config/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on an unknown command or option', () => {
    assert.equal(cli(['frobnicate']).code, 2);
    assert.equal(cli(['migrate', '--nope']).code, 2);
  });

  it('doctor reports an unreachable server as a failure, without the password', () => {
    const r = cli(['doctor', '--db', 'postgres://u:secretpw@127.0.0.1:1/db']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL\s+database/);
    assert.doesNotMatch(r.stdout + r.stderr, /secretpw/);
  });
});
