/**
 * ObserveBridge's tables in one schema, the extensions in another (issue #20). On a server without
 * TimescaleDB, AGE and pgvector (CI) these check the required extensions and the absent variants; on
 * one that offers them they check the present variants too. PGlite: the catalog helper only (it has
 * one schema and none of the three).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  OPTIONAL_EXTENSIONS,
  REQUIRED_EXTENSIONS,
  availableExtensions,
  readCapabilities,
} from '../../../src/db/capabilities.js';
import { extensionSchema, requireExtension } from '../../../src/db/extension-schema.js';
import { migrate } from '../../../src/db/migrate.js';
import { PgDb } from '../../../src/db/pg-driver.js';
import type { Db } from '../../../src/db/types.js';
import { enterWindowWrite } from '../../../src/db/writers/chunk-gate.js';
import { replaceWindowRows } from '../../../src/db/writers/window-rows.js';
import { METRIC_COLUMNS } from '../../../src/jobs/oo-metrics.js';
import { chunkSettings } from '../../../src/kb/config.js';
import { ingestKb } from '../../../src/kb/ingest.js';
import { searchKb } from '../../../src/kb/search.js';
import { vectorLiteral, vectorStore } from '../../../src/kb/vector-store.js';
import { drivers, openTestDb } from '../../helpers/db.js';
import { seedTenants } from '../../helpers/job-harness.js';
import { repoRoot } from '../../helpers/paths.js';

const T = Date.parse('2026-06-10T06:00:00Z');
const MIN = 60_000;

function newSchema(): string {
  return `obtest_${randomBytes(6).toString('hex')}`;
}

/** A pool whose search_path is exactly `path` (PgDb.open's `schema` always appends public). */
function openWithSearchPath(url: string, path: string): Promise<PgDb> {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${path}`);
  return PgDb.open(u.toString(), { max: 4 });
}

/** The schemas every installed extension lives in. */
async function extensionHomes(db: Db): Promise<Map<string, string>> {
  const r = await db.query<{ extname: string; schema: string }>(
    'SELECT e.extname, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace',
  );
  return new Map(r.rows.map((x) => [x.extname, x.schema]));
}

/** One metric row through the writer path the oo-metrics job uses (gate, then delete + COPY). */
async function writeMetric(db: Db, tenant: number, at: number): Promise<void> {
  await db.transaction(async (tx) => {
    await enterWindowWrite(tx, { hypertable: 'metric_1m', window: { from: at, to: at + MIN } });
    const r = await tx.query<{ resource_id: number }>(
      `INSERT INTO dim_resource(tenant_id, urn, type, name) VALUES ($1, 'urn:svc:x', 'service', 'x')
       ON CONFLICT (tenant_id, urn) DO UPDATE SET name = EXCLUDED.name RETURNING resource_id`,
      [tenant],
    );
    const row = [new Date(at), tenant, r.rows[0]!.resource_id, 'm', 1, 1, 1, {}, 1, 1, 1, null];
    await replaceWindowRows(tx, 'metric_1m', tenant, { from: at, to: at + MIN }, METRIC_COLUMNS, [row]);
  });
}

function serverUrl(ctx: TestContext): string | undefined {
  const url = process.env.DATABASE_URL;
  if (!url || !drivers().includes('postgres')) {
    const why = 'needs a PostgreSQL server (DATABASE_URL): schemas other than the extensions’ are a server matter';
    ctx.diagnostic(`skipped: ${why}`);
    ctx.skip(why);
    return undefined;
  }
  return url;
}

/** A database URL with another database name. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The schema a user put the optional extensions in before ObserveBridge came: mixed case and a
 * space, so it only works quoted, and never on the search_path.
 */
const USER_EXT_SCHEMA = 'Ext 1';

describe('extension schemas', () => {
  for (const driver of drivers()) {
    it(`${driver}: extensionSchema reads pg_extension.extnamespace; absent extensions are null`, async () => {
      const t = await openTestDb(driver);
      try {
        const installed = await extensionHomes(t.db);
        for (const ext of REQUIRED_EXTENSIONS) assert.equal(await extensionSchema(t.db, ext), installed.get(ext));
        for (const ext of OPTIONAL_EXTENSIONS) {
          assert.equal(await extensionSchema(t.db, ext), installed.get(ext) ?? null);
          if (!installed.has(ext))
            await assert.rejects(requireExtension(t.db, ext), new RegExp(`'${ext}' is not installed`));
        }
        assert.equal(await extensionSchema(t.db, 'no_such_extension'), null);
        // The test's own schema never holds an extension (server: obtest_…; PGlite: nothing but public).
        if (t.schema) for (const [ext, s] of installed) assert.notEqual(s, t.schema, `${ext} lives in the test schema`);
      } finally {
        await t.close();
      }
    });
  }

  it('server: migrates into a schema other than the extensions’, then runs the capability DDL with a search_path that names only that schema', async (ctx) => {
    const url = serverUrl(ctx);
    if (!url) return;
    const schema = newSchema();
    // 1. Core migrations with the plain variants (public on the path, as PgDb.open puts it).
    const first = await PgDb.open(url, { schema, max: 4 });
    let only: PgDb | undefined;
    try {
      await migrate(first, { capabilities: { timescaledb: 'off', age: 'off', vector: 'off' } });
      const [tenant] = await seedTenants(first, ['ext_schema']);
      const avail = await availableExtensions(first);
      if (avail.has('vector')) {
        // A real[] embedding that the upgrade to vector(1536) must carry over.
        await first.exec(
          `INSERT INTO kb_doc(doc_id, title) VALUES (1, 'd');
           INSERT INTO kb_chunk(doc_id, chunk_idx, content, embedding)
           SELECT 1, 0, 'x', array_agg(i::real / 1000) FROM generate_series(1, 1536) i`,
        );
      }
      // 2. The same schema from a pool whose search_path does not name the extensions' schema.
      only = await openWithSearchPath(url, schema);
      const path = await only.query<{ p: string }>('SELECT current_setting($1) AS p', ['search_path']);
      assert.equal(path.rows[0]!.p, schema);
      const r = await migrate(only);
      const caps = new Map((await readCapabilities(only)).map((c) => [c.name, c]));
      const homes = await extensionHomes(only);
      for (const ext of OPTIONAL_EXTENSIONS) {
        const offered = avail.has(ext);
        assert.equal(caps.get(ext)?.enabled, offered, `${ext}: enabled = offered`);
        assert.equal(r.capabilities.find((c) => c.name === ext)?.enabled, offered);
        if (offered) {
          const home = homes.get(ext);
          assert.ok(home, `${ext} installed`);
          assert.notEqual(home, schema, `${ext} must not live in the migrated schema`);
          if (ext === 'age') assert.equal(home, 'ag_catalog');
        } else {
          assert.equal(homes.has(ext), false, `${ext} is not offered, so not installed`);
        }
      }
      for (const [ext, home] of homes) assert.notEqual(home, schema, `${ext} lives in ${schema}`);

      if (avail.has('timescaledb')) {
        const ht = await only.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM timescaledb_information.hypertables WHERE hypertable_schema = $1',
          [schema],
        );
        assert.equal(ht.rows[0]!.n, 3, 'the three aggregate tables are hypertables in our schema');
        const jobs = await only.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM timescaledb_information.jobs
            WHERE hypertable_schema = $1 AND proc_name IN ('policy_compression', 'policy_retention')`,
          [schema],
        );
        assert.equal(jobs.rows[0]!.n, 4, 'one compression and three retention policies');
      }
      // Writes through the job's path, still with only our schema on the search_path: with
      // TimescaleDB the first row makes a chunk (the gate takes its exclusive side), the next one not.
      await writeMetric(only, tenant!.id, T);
      await writeMetric(only, tenant!.id, T + MIN);
      const n = await only.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_1m');
      assert.equal(n.rows[0]!.n, 2);
      if (avail.has('timescaledb')) {
        const chunks = await only.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_schema = $1 AND hypertable_name = 'metric_1m'`,
          [schema],
        );
        assert.equal(chunks.rows[0]!.n, 1);
        const gate = await only.transaction((tx) =>
          enterWindowWrite(tx, { hypertable: 'metric_1m', window: { from: T, to: T + MIN } }),
        );
        assert.equal(gate, 'shared', 'the chunk exists now: no exclusive gate');
        const later = await only.transaction((tx) =>
          enterWindowWrite(tx, {
            hypertable: 'metric_1m',
            window: { from: T + 30 * 24 * 60 * MIN, to: T + 30 * 24 * 60 * MIN + MIN },
          }),
        );
        assert.equal(later, 'exclusive', 'a window no chunk covers');
      } else {
        const gate = await only.transaction((tx) =>
          enterWindowWrite(tx, { hypertable: 'metric_1m', window: { from: T, to: T + MIN } }),
        );
        assert.equal(gate, 'none');
      }

      if (avail.has('vector')) {
        const vec = await requireExtension(only, 'vector');
        const col = await only.query<{ t: string }>(
          `SELECT format_type(a.atttypid, a.atttypmod) AS t FROM pg_attribute a
            WHERE a.attrelid = 'kb_chunk'::regclass AND a.attname = 'embedding'`,
        );
        // format_type qualifies the type because its schema is not on the search_path.
        assert.equal(col.rows[0]!.t.replaceAll('"', ''), `${vec.schema}.vector(1536)`);
        const d = await only.query<{ d: number }>(
          `SELECT embedding ${vec.op('<->')} embedding AS d FROM kb_chunk WHERE doc_id = 1`,
        );
        assert.equal(d.rows[0]!.d, 0, 'the real[] embedding came through the upgrade and compares with itself');
        const idx = await only.query<{ def: string }>(
          "SELECT indexdef AS def FROM pg_indexes WHERE schemaname = $1 AND indexname = 'idx_kb_vec_hnsw'",
          [schema],
        );
        assert.match(idx.rows[0]?.def ?? '', /USING hnsw \(embedding .*vector_l2_ops\)/);
      }
      if (avail.has('age')) {
        const g = await only.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM ag_catalog.ag_graph WHERE name = 'ops'",
        );
        assert.equal(g.rows[0]!.n, 1);
      }
    } finally {
      await only?.close();
      await first.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await first.close();
    }
  });

  it('server: dropping the schema that was migrated first leaves the extensions, and the next schema works', async (ctx) => {
    const url = serverUrl(ctx);
    if (!url) return;
    const a = newSchema();
    const b = newSchema();
    const dbA = await PgDb.open(url, { schema: a, max: 2 });
    const dbB = await PgDb.open(url, { schema: b, max: 2 });
    try {
      await migrate(dbA);
      await migrate(dbB);
      const before = await extensionHomes(dbA);
      for (const [ext, home] of before) {
        assert.notEqual(home, a, `${ext} lives in ${a}`);
        assert.notEqual(home, b, `${ext} lives in ${b}`);
      }
      for (const ext of REQUIRED_EXTENSIONS) {
        // Where migrate creates them (an older setup may have put them elsewhere: found there).
        assert.ok(before.has(ext));
      }
      await dbA.exec(`DROP SCHEMA ${a} CASCADE`);
      assert.deepEqual(await extensionHomes(dbB), before, 'every extension survived the drop');
      const again = await migrate(dbB);
      assert.deepEqual(again.applied, []);
      const [tenant] = await seedTenants(dbB, ['after_drop']);
      await writeMetric(dbB, tenant!.id, T);
      const n = await dbB.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_1m');
      assert.equal(n.rows[0]!.n, 1);
      const avail = await availableExtensions(dbB);
      if (!OPTIONAL_EXTENSIONS.some((e) => avail.has(e)))
        ctx.diagnostic(`this server offers none of ${OPTIONAL_EXTENSIONS.join(', ')}: only the required ones checked`);
    } finally {
      await dbA.exec(`DROP SCHEMA IF EXISTS ${a} CASCADE`);
      await dbB.exec(`DROP SCHEMA IF EXISTS ${b} CASCADE`);
      await dbA.close();
      await dbB.close();
    }
  });

  it('server: extensions installed beforehand in a schema of their own (quoted name, not on the search_path), ObserveBridge in public', async (ctx) => {
    const url = serverUrl(ctx);
    if (!url) return;
    // A database of its own: an extension exists once per database, and the test database's are
    // already in public. Needs CREATEDB (the CI and present servers' postgres user has it).
    const name = `obtest_ext_${randomBytes(4).toString('hex')}`;
    const admin = await PgDb.open(url, { max: 1 });
    try {
      await admin.exec(`CREATE DATABASE ${name}`);
    } catch (e) {
      await admin.close();
      const why = `cannot create a database to install extensions into: ${(e as Error).message}`;
      ctx.diagnostic(`skipped: ${why}`);
      ctx.skip(why);
      return;
    }
    let db: PgDb | undefined;
    try {
      const avail = await availableExtensions(admin);
      // AGE always lives in ag_catalog. The others go to the user's schema, pg_trgm too: the
      // numbered migrations name its operator classes as {{ext:pg_trgm}}.gin_trgm_ops.
      const moved = ['pg_trgm', 'btree_gist', 'pgcrypto', 'timescaledb', 'vector'].filter((e) => avail.has(e));
      const setup = await PgDb.open(withDatabase(url, name), { max: 1 });
      try {
        await setup.exec(`CREATE SCHEMA "${USER_EXT_SCHEMA}"`);
        for (const ext of moved) await setup.exec(`CREATE EXTENSION ${ext} SCHEMA "${USER_EXT_SCHEMA}"`);
      } finally {
        await setup.close();
      }
      ctx.diagnostic(`in "${USER_EXT_SCHEMA}" before migrate: ${moved.join(', ')}`);
      db = await openWithSearchPath(withDatabase(url, name), 'public');
      const r = await migrate(db);
      const homes = await extensionHomes(db);
      for (const ext of moved) assert.equal(homes.get(ext), USER_EXT_SCHEMA, `${ext} stayed where the user put it`);
      for (const ext of OPTIONAL_EXTENSIONS)
        assert.equal(r.capabilities.find((c) => c.name === ext)?.enabled, avail.has(ext), `${ext}: enabled = offered`);

      // The trigram indexes of migrations 001, 006 (dropped again by 009) and 009 use the operator
      // classes of the quoted schema; without it on the search_path an unqualified name failed.
      const trgm = await db.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes
          WHERE schemaname = 'public' AND indexname IN ('idx_logpat_pattern_trgm', 'idx_kb_word_trgm')
          ORDER BY indexname`,
      );
      assert.deepEqual(
        trgm.rows.map((x) => x.indexname),
        ['idx_kb_word_trgm', 'idx_logpat_pattern_trgm'],
      );
      for (const x of trgm.rows) assert.match(x.indexdef, /"Ext 1"\.g(in|ist)_trgm_ops/, x.indexdef);

      const [tenant] = await seedTenants(db, ['user_ext']);
      await writeMetric(db, tenant!.id, T);
      await writeMetric(db, tenant!.id, T + MIN);
      const n = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_1m');
      assert.equal(n.rows[0]!.n, 2);
      if (avail.has('timescaledb')) {
        const ht = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM timescaledb_information.hypertables WHERE hypertable_schema = 'public'`,
        );
        assert.equal(ht.rows[0]!.n, 3, 'the three aggregate tables are hypertables in public');
        const chunks = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_name = 'metric_1m'`,
        );
        assert.equal(chunks.rows[0]!.n, 1, 'the first write made the chunk');
      }

      // kb_chunk.embedding through the store the kb code uses: the type and operator are spelled
      // with the quoted schema, and the nearest chunk comes back.
      const store = await vectorStore(db);
      assert.equal(store.kind, avail.has('vector') ? 'pgvector' : 'array');
      if (store.kind === 'pgvector') assert.equal(store.type, `"${USER_EXT_SCHEMA}".vector`);
      await db.query(`INSERT INTO kb_doc(doc_id, title) VALUES (1, 'd')`);
      for (const [i, v] of [
        [0, [1, 0]],
        [1, [0, 1]],
      ] as const)
        await db.query(
          `INSERT INTO kb_chunk(doc_id, chunk_idx, content, embedding) VALUES (1, $1, $2, $3::${store.type})`,
          [i, `c${i}`, vectorLiteral(v, store)],
        );
      if (store.kind === 'pgvector') {
        const near = await db.query<{ chunk_idx: number }>(
          `SELECT chunk_idx FROM kb_chunk ORDER BY embedding ${store.l2} $1::${store.type} LIMIT 1`,
          [vectorLiteral([0.1, 0.9], store)],
        );
        assert.equal(near.rows[0]?.chunk_idx, 1);
      } else {
        const dims = await db.query<{ d: number }>('SELECT array_length(embedding, 1) AS d FROM kb_chunk LIMIT 1');
        assert.equal(dims.rows[0]!.d, 1536);
      }

      // kb search's trigram method calls pg_trgm's similarity / <-> through the quoted schema: a
      // misspelt word ("evictoins") is found by trigram only. (The hand-made doc 1 above goes first:
      // its id is the one the sequence hands out next.)
      await db.exec('DELETE FROM kb_chunk; DELETE FROM kb_doc');
      const ing = await ingestKb(db, [join(repoRoot, 'configs', 'demo', 'runbooks')], {
        tenantId: null,
        language: 'english',
        chunk: chunkSettings({}),
      });
      assert.equal(ing.added, 3);
      const found = await searchKb(db, { text: 'evictoins', limit: 3 });
      assert.ok(found.hits.length > 0, 'the trigram method answered');
      assert.match(found.hits[0]!.source ?? '', /redis-cache-evictions\.md$/);
    } finally {
      await db?.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    }
  });
});
