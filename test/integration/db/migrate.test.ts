import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { availableExtensions, readCapabilities } from '../../../src/db/capabilities.js';
import { loadMigrations, migrate } from '../../../src/db/migrate.js';
import { drivers, openTestDb } from '../../helpers/db.js';

const SEED_TABLES = [
  'dim_tenant',
  'dim_resource',
  'oo_locator',
  'metric_1m',
  'service_call_5m',
  'log_pattern',
  'log_pattern_5m',
  'topo_edge_time',
  'kb_doc',
  'kb_chunk',
  'event_envelope',
  'evidence_link',
  'etl_job_run',
  'etl_job_circuit',
];

/** Index name → definition, for the test's schema. */
async function indexes(db: import('../../../src/db/types.js').Db): Promise<Map<string, string>> {
  const r = await db.query<{ indexname: string; indexdef: string }>(
    'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()',
  );
  return new Map(r.rows.map((x) => [x.indexname, x.indexdef]));
}

for (const driver of drivers()) {
  describe(`${driver}: migrations`, () => {
    it('applies every migration, and a second run is a no-op', async () => {
      const t = await openTestDb(driver); // already migrated once
      try {
        const before = await t.db.query<{ version: number }>('SELECT version FROM ob_schema_migration ORDER BY 1');
        assert.deepEqual(
          before.rows.map((r) => r.version),
          loadMigrations().map((m) => m.version),
        );
        const idxBefore = await indexes(t.db);
        const again = await migrate(t.db);
        assert.deepEqual(again.applied, []);
        const after = await t.db.query<{ version: number }>('SELECT version FROM ob_schema_migration ORDER BY 1');
        assert.equal(after.rows.length, before.rows.length);
        assert.deepEqual(await indexes(t.db), idxBefore);
      } finally {
        await t.close();
      }
    });

    it('creates every seed table plus the ETL tables with their keys and indexes', async () => {
      const t = await openTestDb(driver);
      try {
        const r = await t.db.query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        );
        const tables = new Set(r.rows.map((x) => x.table_name));
        for (const name of SEED_TABLES) assert.ok(tables.has(name), `missing table ${name}`);
        const idx = await indexes(t.db);
        const expectUnique: Record<string, RegExp> = {
          ux_job_once: /UNIQUE INDEX ux_job_once ON .*etl_job_run .*\(job, tenant_id, window_from\)/,
          ux_metric_1m:
            /UNIQUE INDEX ux_metric_1m ON .*metric_1m .*\(bucket, tenant_id, resource_id, metric, labels_hash\)/,
          ux_log_pattern_fp: /UNIQUE INDEX ux_log_pattern_fp ON .*log_pattern .*\(tenant_id, fingerprint\)/,
          ux_oo_locator: /UNIQUE INDEX ux_oo_locator ON .*oo_locator/,
          service_call_5m_pkey: /\(bucket, tenant_id, src_resource_id, dst_resource_id\)/,
          log_pattern_5m_pkey: /\(bucket, tenant_id, resource_id, fingerprint_id\)/,
          ux_evidence_unique: /UNIQUE INDEX ux_evidence_unique/,
          ux_resource_urn: /UNIQUE INDEX ux_resource_urn ON .*dim_resource .*\(tenant_id, urn\)/,
          idx_logpat_pattern_trgm: /USING gin \(pattern gin_trgm_ops\)/,
          ex_topo_edge_no_overlap: /USING gist/,
          idx_metric_key: /\(resource_id, metric, bucket DESC\)/,
        };
        for (const [name, re] of Object.entries(expectUnique)) {
          const def = idx.get(name);
          assert.ok(def, `missing index ${name}`);
          assert.match(def, re);
        }
      } finally {
        await t.close();
      }
    });

    it('records the absent variants when TimescaleDB, AGE and pgvector are not offered', async (ctx) => {
      const t = await openTestDb(driver);
      try {
        const avail = await availableExtensions(t.db);
        const caps = new Map((await readCapabilities(t.db)).map((c) => [c.name, c]));
        const expect = {
          timescaledb: ['hypertables', 'plain_tables'],
          age: ['age_graph', 'relational_graph'],
          vector: ['vector_hnsw', 'real_array'],
        } as const;
        for (const [ext, [present, absent]] of Object.entries(expect)) {
          const c = caps.get(ext);
          assert.ok(c, `no capability row for ${ext}`);
          assert.equal(c.available, avail.has(ext));
          assert.equal(c.variant, avail.has(ext) ? present : absent);
        }
        // The fallback graph table and the real[] embedding exist when the extensions are absent.
        if (!avail.has('age')) {
          const r = await t.db.query("SELECT to_regclass('graph_active_edge') IS NOT NULL AS ok");
          assert.equal(r.rows[0]?.ok, true);
        }
        if (!avail.has('vector')) {
          const r = await t.db.query<{ data_type: string }>(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'kb_chunk' AND column_name = 'embedding'",
          );
          assert.equal(r.rows[0]?.data_type, 'ARRAY');
          await assert.rejects(
            t.db.query(
              "INSERT INTO kb_doc(doc_id, title) VALUES (1, 'd'); INSERT INTO kb_chunk(doc_id, chunk_idx, content, embedding) VALUES (1, 0, 'x', ARRAY[1,2,3]::real[])",
            ),
          );
        }
        if (!avail.has('timescaledb')) {
          const r = await t.db.query("SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'timescaledb'");
          assert.equal(r.rows[0]?.n, 0);
        }
        const present = ['timescaledb', 'age', 'vector'].filter((e) => avail.has(e));
        if (present.length === 0)
          ctx.diagnostic(`${driver}: no optional extension offered; "present" variants not exercised here`);
      } finally {
        await t.close();
      }
    });

    it('uses the present variants for every optional extension the server offers', async (ctx) => {
      const t = await openTestDb(driver);
      try {
        const avail = await availableExtensions(t.db);
        const present = ['timescaledb', 'age', 'vector'].filter((e) => avail.has(e));
        if (present.length === 0) {
          ctx.skip(`${driver} offers none of timescaledb, age, vector`);
          return;
        }
        const caps = new Map((await readCapabilities(t.db)).map((c) => [c.name, c]));
        for (const ext of present) assert.equal(caps.get(ext)?.enabled, true, `${ext} should be enabled`);
        if (avail.has('timescaledb')) {
          const r = await t.db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM timescaledb_information.hypertables WHERE hypertable_schema = current_schema() AND hypertable_name IN ('metric_1m','service_call_5m','log_pattern_5m')",
          );
          assert.equal(r.rows[0]?.n, 3);
        }
        if (avail.has('vector')) {
          const r = await t.db.query<{ udt_name: string }>(
            "SELECT udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'kb_chunk' AND column_name = 'embedding'",
          );
          assert.equal(r.rows[0]?.udt_name, 'vector');
        }
      } finally {
        await t.close();
      }
    });

    it('turns a capability off by config (off keeps the plain variant)', async () => {
      const t = await openTestDb(driver);
      try {
        const r = await migrate(t.db, { capabilities: { timescaledb: 'off', age: 'off', vector: 'off' } });
        for (const c of r.capabilities) {
          // an already-enabled present variant is never dropped silently; otherwise the plain variant stays
          if (!c.enabled) assert.match(c.variant, /plain_tables|relational_graph|real_array/);
        }
      } finally {
        await t.close();
      }
    });
  });
}
