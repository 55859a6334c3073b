import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncTenants } from '../../../src/db/tenants.js';
import { chunkSettings } from '../../../src/kb/config.js';
import { openAiEmbedder, type Embedder } from '../../../src/kb/embeddings.js';
import { ingestKb, type IngestOptions } from '../../../src/kb/ingest.js';
import { searchKb } from '../../../src/kb/search.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { startEmbeddingsStandin, type Standin } from '../../helpers/embeddings-standin/server.js';

const ORDERS = `---
date: 2026-05-01
---
# Orders database slow

The orders database urn:db:postgresql:orders-db/orders answers slowly and checkout times out.

## Diagnosis

Look at connection pool exhaustion on the orders service and at long-running queries.

## Mitigation

Kill the blocking query, raise the pool size, fail over to the replica.
`;
const CACHE = `<html><head><title>Redis evictions</title></head><body><h1>Redis memory</h1>
<p>The cache urn:host:redis-master evicts keys when maxmemory is reached.</p><h2>Fix</h2><p>Raise maxmemory or lower TTLs.</p></body></html>`;
const DISK = 'Disk full on log hosts\n\nRotate logs with logrotate and delete old archives under /var/log.';

async function docCount(t: TestDb): Promise<number> {
  return (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_doc')).rows[0]!.n;
}

function embedder(s: Standin): Embedder {
  return openAiEmbedder(
    {
      url: s.url,
      model: 'standin-1',
      dimensions: 128,
      apiKey: undefined,
      batchSize: 8,
      maxRetries: 1,
      timeoutMs: 5000,
    },
    { sleep: async () => {} },
  );
}

for (const driver of drivers()) {
  describe(`${driver}: kb ingest and search`, () => {
    let t: TestDb;
    let dir: string;
    let tenants: Map<string, number>;
    let standin: Standin;
    const opts = (over: Partial<IngestOptions> = {}): IngestOptions => ({
      tenantId: null,
      language: 'english',
      chunk: chunkSettings({}),
      cwd: dir,
      ...over,
    });
    before(async () => {
      t = await openTestDb(driver);
      tenants = new Map((await syncTenants(t.db, [{ code: 'acme' }, { code: 'globex' }])).map((x) => [x.code, x.id]));
      dir = mkdtempSync(join(tmpdir(), 'kb-'));
      writeFileSync(join(dir, 'orders.md'), ORDERS);
      writeFileSync(join(dir, 'cache.html'), CACHE);
      writeFileSync(join(dir, 'disk.txt'), DISK);
      writeFileSync(join(dir, 'image.png'), 'x');
      standin = await startEmbeddingsStandin();
    });
    after(async () => {
      await standin.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('ingests a folder, counts what it could not read, and records URNs and dates', async () => {
      const r = await ingestKb(t.db, [dir, join(dir, 'missing.md'), join(dir, 'image.png')], opts());
      assert.equal(r.added, 3);
      assert.equal(r.failed, 2);
      assert.equal(r.search, 'lexical');
      assert.deepEqual(
        r.docs.filter((d) => d.status === 'failed').map((d) => d.error),
        ['no such file or folder', 'unsupported file type (Markdown, HTML, text or a .urls list)'],
      );
      const docs = await t.db.query<{ source: string; title: string; urns: string[]; doc_time: Date | null }>(
        "SELECT source, title, metadata -> 'urns' AS urns, doc_time FROM kb_doc ORDER BY source",
      );
      assert.deepEqual(
        docs.rows.map((d) => [basename(d.source), d.title, d.urns]),
        [
          ['cache.html', 'Redis evictions', ['urn:host:redis-master']],
          ['disk.txt', 'Disk full on log hosts', []],
          ['orders.md', 'Orders database slow', ['urn:db:postgresql:orders-db/orders']],
        ],
      );
      assert.equal(docs.rows[2]!.doc_time?.toISOString(), '2026-05-01T00:00:00.000Z');
      const chunks = await t.db.query<{ n: number; tsv: number; emb: number }>(
        'SELECT count(*)::int AS n, count(tsv)::int AS tsv, count(embedding)::int AS emb FROM kb_chunk',
      );
      assert.deepEqual(chunks.rows[0], { n: 6, tsv: 6, emb: 0 });
    });

    it('re-ingesting unchanged documents is a no-op; a changed one replaces its chunks', async () => {
      const ids = async () =>
        (await t.db.query<{ chunk_id: string }>('SELECT chunk_id::text FROM kb_chunk ORDER BY chunk_id')).rows.map(
          (r) => r.chunk_id,
        );
      const before = await ids();
      const again = await ingestKb(t.db, [dir], opts());
      assert.deepEqual(
        [again.unchanged, again.added, again.updated, again.chunks_written],
        [3, 0, 0, 0],
        JSON.stringify(again.docs),
      );
      assert.deepEqual(await ids(), before);

      writeFileSync(join(dir, 'disk.txt'), DISK + '\n\nAlso check inode exhaustion with df -i.');
      const changed = await ingestKb(t.db, [dir], opts());
      assert.deepEqual([changed.unchanged, changed.updated], [2, 1]);
      const after = await ids();
      assert.equal(after.length, before.length);
      assert.notDeepEqual(after, before);
      const hit = await searchKb(t.db, { text: 'inode exhaustion' });
      assert.equal(basename(hit.hits[0]?.source ?? ''), 'disk.txt');
      assert.equal(await docCount(t), 3);
    });

    it('ranks the orders runbook first for "orders database slow"; lexical methods only', async () => {
      const r = await searchKb(t.db, { text: 'orders database slow', limit: 3 });
      assert.deepEqual(r.methods, { fts: 'on', trigram: 'on', vector: 'off' });
      assert.equal(basename(r.hits[0]?.source ?? ''), 'orders.md');
      assert.ok(r.hits[0]!.ranks.fts !== undefined);
      // A misspelling is still found through trigrams.
      const typo = await searchKb(t.db, { text: 'logrotat archivs' });
      assert.equal(basename(typo.hits[0]?.source ?? ''), 'disk.txt');
      assert.ok(typo.hits[0]!.ranks.trigram !== undefined);
    });

    it('filters by tenant, resource URN and document time', async () => {
      const mine = join(dir, 'acme-only.md');
      writeFileSync(mine, '# Acme checkout\n\nAcme checkout slow: restart the acme orders worker.');
      await ingestKb(t.db, [mine], opts({ tenantId: tenants.get('acme')! }));
      const q = 'acme checkout worker';
      const src = async (tenantId: number | null) =>
        (await searchKb(t.db, { text: q, tenantId })).hits.map((h) => basename(h.source ?? ''));
      assert.ok((await src(tenants.get('acme')!)).includes('acme-only.md'));
      assert.ok(!(await src(tenants.get('globex')!)).includes('acme-only.md'));
      assert.ok(!(await src(null)).includes('acme-only.md'));
      // Shared documents are visible to every tenant.
      assert.ok((await searchKb(t.db, { text: 'redis maxmemory', tenantId: tenants.get('globex')! })).hits.length > 0);

      const byUrn = await searchKb(t.db, { text: 'slow', urn: 'urn:db:postgresql:orders-db/orders', limit: 10 });
      assert.ok(byUrn.hits.length > 0);
      assert.ok(byUrn.hits.every((h) => basename(h.source ?? '') === 'orders.md'));
      const dated = await searchKb(t.db, { text: 'orders slow', from: Date.parse('2026-06-01T00:00:00Z') });
      assert.ok(dated.hits.every((h) => basename(h.source ?? '') !== 'orders.md'));
      const inRange = await searchKb(t.db, {
        text: 'orders slow',
        from: Date.parse('2026-04-01T00:00:00Z'),
        to: Date.parse('2026-05-02T00:00:00Z'),
      });
      assert.deepEqual([...new Set(inRange.hits.map((h) => basename(h.source ?? '')))], ['orders.md']);
    });

    it('with a provider: embeds on ingest (missing embeddings are added later) and searches hybrid', async () => {
      // Provider down: documents are still written, without embeddings, and say why.
      const down = await startEmbeddingsStandin({ alwaysFail: 503 });
      const dir2 = mkdtempSync(join(tmpdir(), 'kb2-'));
      try {
        writeFileSync(
          join(dir2, 'queue.md'),
          '# Kafka lag\n\nConsumer lag grows when the orders consumer is throttled.',
        );
        const r1 = await ingestKb(t.db, [dir2], opts({ cwd: dir2, embedder: embedder(down) }));
        assert.equal(r1.added, 1);
        assert.match(r1.docs[0]!.error ?? '', /stored without embeddings/);
        const r2 = await ingestKb(t.db, [dir2, dir], opts({ cwd: dir2, embedder: embedder(standin) }));
        // acme-only.md was ingested for acme before: as a shared document it is a document of its own.
        assert.deepEqual([r2.embedded, r2.added, r2.updated], [4, 1, 0], JSON.stringify(r2.docs));
        const e = await t.db.query<{ n: number; total: number }>(
          "SELECT count(*) FILTER (WHERE embedding_model = 'standin-1')::int AS n, count(*)::int AS total FROM kb_chunk c JOIN kb_doc d USING (doc_id) WHERE d.tenant_id IS NULL",
        );
        assert.equal(e.rows[0]!.n, e.rows[0]!.total);
        const third = await ingestKb(t.db, [dir2], opts({ cwd: dir2, embedder: embedder(standin) }));
        assert.equal(third.unchanged, 1);
      } finally {
        await down.close();
        rmSync(dir2, { recursive: true, force: true });
      }
      const h = await searchKb(t.db, { text: 'consumer lagging behind', limit: 3 }, { embedder: embedder(standin) });
      assert.equal(h.methods.vector, 'on');
      assert.equal(basename(h.hits[0]?.source ?? ''), 'queue.md');
      assert.ok(h.hits[0]!.ranks.vector !== undefined);
      // The provider failing at query time: lexical results, and the reason.
      const gone = await startEmbeddingsStandin({ alwaysFail: 500 });
      try {
        const r = await searchKb(t.db, { text: 'orders database slow' }, { embedder: embedder(gone) });
        assert.equal(r.methods.vector, 'unavailable');
        assert.match(r.vector_error ?? '', /HTTP 500/);
        assert.equal(basename(r.hits[0]?.source ?? ''), 'orders.md');
      } finally {
        await gone.close();
      }
    });

    it('ingests URLs and .urls lists from an HTTP server', async () => {
      const srv = createServer((req, res) => {
        if (req.url === '/rb/dns.md') {
          res.writeHead(200, { 'content-type': 'text/markdown', 'last-modified': 'Wed, 01 Apr 2026 00:00:00 GMT' });
          res.end('# DNS failures\n\nCoreDNS pods crash-loop; check the upstream resolvers.');
        } else {
          res.writeHead(404);
          res.end();
        }
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
      const list = join(dir, 'remote.urls');
      writeFileSync(list, `# runbooks\n${base}/rb/dns.md\n${base}/rb/missing.md\nnot-a-url\n`);
      try {
        const r = await ingestKb(t.db, [list], opts());
        assert.equal(r.added, 1);
        assert.deepEqual(
          r.docs.filter((d) => d.status === 'failed').map((d) => d.error),
          ['not an http(s) URL', 'HTTP 404'],
        );
        const doc = await t.db.query<{ doc_time: Date; url: string }>(
          'SELECT doc_time, url FROM kb_doc WHERE source = $1',
          [`${base}/rb/dns.md`],
        );
        assert.equal(doc.rows[0]?.doc_time.toISOString(), '2026-04-01T00:00:00.000Z');
        assert.equal((await searchKb(t.db, { text: 'coredns crash loop' })).hits[0]?.url, `${base}/rb/dns.md`);
      } finally {
        await new Promise<void>((r) => srv.close(() => r()));
      }
    });

    it('rejects an unknown text search language as a config error before writing', async () => {
      const before = await docCount(t);
      await assert.rejects(ingestKb(t.db, [dir], opts({ language: 'klingon' })), /kb\.language/);
      assert.equal(await docCount(t), before);
    });
  });
}
