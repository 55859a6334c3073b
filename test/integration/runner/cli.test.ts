import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli } from '../../helpers/child.js';

const ENV = { PATH: process.env.PATH, HOME: process.env.HOME };

function cli(args: string[]) {
  return runCli(args);
}

/** Only the maintenance job (the others need a source): three days of daily windows are due. */
const CONFIG = `
sources: {m: {kind: mock}}
tenants:
  - code: a
    source: m
    initial_lookback: {default: 3d}
jobs:
  oo-metrics: {enabled: false}
  oo-calls: {enabled: false}
  oo-logs: {enabled: false}
  age-refresh: {enabled: false}
  topo-iac: {enabled: false}
  topo-ansible: {enabled: false}
`;

describe('cli: run, backfill, status (PGlite directory)', () => {
  let dir: string;
  let cfg: string;
  let db: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ob-run-'));
    cfg = join(dir, 'config.yaml');
    db = join(dir, 'db');
    writeFileSync(cfg, CONFIG);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('run --once processes the due windows and exits 0; backfill shows progress; status has the promised shape', () => {
    const once = cli(['run', '--once', '--json', '--config', cfg, '--db', db]);
    assert.equal(once.code, 0, once.stderr);
    const s = JSON.parse(once.stdout) as { succeeded: number; ok: boolean; unfinished: number };
    assert.ok(s.succeeded >= 2 && s.succeeded <= 3, `daily windows of the last 3 days: ${s.succeeded}`);
    assert.deepEqual([s.ok, s.unfinished], [true, 0]);

    const bf = cli([
      'backfill',
      '--job',
      'maintenance',
      '--tenant',
      'a',
      '--from',
      '2024-03-01',
      '--to',
      '2024-03-03T00:00',
      '--config',
      cfg,
      '--db',
      db,
    ]);
    assert.equal(bf.code, 0, bf.stderr);
    assert.match(
      bf.stdout,
      /backfill maintenance a: 2 windows \(2 new, 0 re-queued, 0 already done\): 2 succeeded, 0 dead/,
    );
    assert.match(bf.stderr, /2024-03-01T00:00:00.000Z success 1\/2 [\d.]+ windows\/s ETA \S+/);
    assert.match(bf.stderr, /2024-03-02T00:00:00.000Z success 2\/2/);
    const st = cli(['status', '--json', '--config', cfg, '--db', db]);
    assert.equal(st.code, 0, st.stderr);
    const rows = JSON.parse(st.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      rows.map((r) => [r.job, r.tenant]),
      [['maintenance', 'a']],
    );
    assert.deepEqual(Object.keys(rows[0]!), [
      'job',
      'tenant',
      'last_success_to',
      'lag_seconds',
      'queued',
      'running',
      'failed',
      'dead',
      'circuit',
      'last_error',
    ]);
    assert.equal(rows[0]!.circuit, 'closed');
    assert.equal(rows[0]!.dead, 0);
    assert.equal(typeof rows[0]!.lag_seconds, 'number');
  });

  it('run stops gracefully on SIGTERM with exit code 0', async () => {
    const child = spawn(process.execPath, [BIN, 'run', '--config', cfg, '--db', db], { env: ENV });
    let stderr = '';
    const running = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('observebridge running')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await Promise.race([running, exited]);
    child.kill('SIGTERM');
    const code = await exited;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /"reason":"SIGTERM"/);
  });

  it('rejects bad usage before touching the database (exit 2, with the path)', () => {
    const shard = cli(['run', '--shard', '3/3', '--config', cfg, '--db', db]);
    assert.equal(shard.code, 2);
    assert.match(shard.stderr, /--shard: expected k\/n with 0 <= k < n/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `${CONFIG}  maintenance: {align: 90s}\n  nope: {}\n`);
    const r = cli(['run', '--once', '--config', bad, '--db', join(dir, 'never')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /jobs\.maintenance\.align: must be a multiple of 1h \(got 90s\)/);
    assert.match(r.stderr, /jobs\.nope: unknown job/);
  });
});
