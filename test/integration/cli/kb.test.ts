import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli } from '../../helpers/child.js';
import { repoRoot } from '../../helpers/paths.js';
import { startEmbeddingsStandin, type Standin } from '../../helpers/embeddings-standin/server.js';

const RUNBOOKS = join(repoRoot, 'configs', 'demo', 'runbooks');

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(args, { env: { OBSERVEBRIDGE_LOG_LEVEL: 'warn', ...env } });
}

/** Asynchronous: the embeddings stand-in runs in this process and must answer meanwhile. */
function cliAsync(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, OBSERVEBRIDGE_LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

type Check = { name: string; status: string; detail: string };

describe('cli: kb ingest, kb search, doctor', () => {
  let dir: string;
  let standin: Standin;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ob-kb-cli-'));
    standin = await startEmbeddingsStandin();
  });
  after(async () => {
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingests the demo runbooks lexical-only, says so in doctor, and finds the orders runbook first', () => {
    const db = join(dir, 'db');
    const r = cli(['kb', 'ingest', RUNBOOKS, '--db', db, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { added: number; search: string };
    assert.deepEqual([rep.added, rep.search], [3, 'lexical']);
    const again = JSON.parse(cli(['kb', 'ingest', RUNBOOKS, '--db', db, '--json']).stdout) as { unchanged: number };
    assert.equal(again.unchanged, 3);

    const s = cli(['kb', 'search', 'orders database slow', '--db', db, '--json']);
    assert.equal(s.code, 0, s.stderr);
    const hits = (JSON.parse(s.stdout) as { hits: { source: string }[] }).hits;
    assert.match(hits[0]!.source, /orders-db-slow\.md$/);
    const text = cli(['kb', 'search', 'orders database slow', '--db', db]);
    assert.match(text.stdout.split('\n')[0]!, /^1\. Orders database slow or failing/);

    const doc = JSON.parse(cli(['doctor', '--db', db, '--json']).stdout) as { checks: Check[] };
    const kb = doc.checks.find((c) => c.name === 'kb search')!;
    assert.equal(kb.status, 'warn');
    assert.match(kb.detail, /lexical only/);
    assert.match(doc.checks.find((c) => c.name === 'kb contents')!.detail, /^3 document\(s\)/);
  });

  it('with a provider from the environment: embeds, and doctor reports hybrid search', async () => {
    const db = join(dir, 'db2');
    const env = { OBSERVEBRIDGE_EMBEDDINGS_URL: standin.url, OBSERVEBRIDGE_EMBEDDINGS_MODEL: 'standin-1' };
    const r = await cliAsync(['kb', 'ingest', RUNBOOKS, '--db', db, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { search: string }).search, 'hybrid');
    const s = JSON.parse(
      (await cliAsync(['kb', 'search', 'redis evicting keys', '--db', db, '--json'], env)).stdout,
    ) as {
      methods: { vector: string };
      hits: { source: string; ranks: { vector?: number } }[];
    };
    assert.equal(s.methods.vector, 'on');
    assert.match(s.hits[0]!.source, /redis-cache-evictions\.md$/);
    const doc = JSON.parse(cli(['doctor', '--db', db, '--json'], env).stdout) as { checks: Check[] };
    assert.match(doc.checks.find((c) => c.name === 'kb search')!.detail, /^hybrid/);
  });

  it('exits 1 when a document cannot be read and 2 on bad usage', () => {
    const db = join(dir, 'db3');
    const bad = join(dir, 'x.pdf');
    writeFileSync(bad, 'x');
    const r = cli(['kb', 'ingest', bad, join(dir, 'missing.md'), '--db', db]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unsupported file type/);
    assert.match(r.stderr, /no such file or folder/);
    assert.equal(cli(['kb', 'search', 'x', '--limit', '0', '--db', db]).code, 2);
    assert.equal(cli(['kb', 'search', 'x', '--from', 'yesterday', '--db', db]).code, 2);
    const t = cli(['kb', 'ingest', RUNBOOKS, '--tenant', 'nobody', '--db', db]);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--tenant: no tenant 'nobody'/);
  });
});
