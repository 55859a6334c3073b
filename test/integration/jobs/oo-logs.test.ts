import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset, LogRecord, TelemetryRecord } from '../../../src/core/records.js';
import type { Window } from '../../../src/core/window.js';
import { longestLiteral, ooLogsJob } from '../../../src/jobs/oo-logs.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';
import type { Source } from '../../../src/sources/source.js';
import { drivers, openTestDb } from '../../helpers/db.js';
import { runWindow, seedTenants, tableSnapshot } from '../../helpers/job-harness.js';

const M = 60_000;
const T0 = Date.parse('2026-06-10T06:00:00Z');
const res = { attrs: { 'service.name': 'checkout', 'k8s.namespace.name': 'shop' } };

function log(ts: number, body: string, severity?: string, traceId?: string): LogRecord {
  return {
    kind: 'log',
    ts,
    body,
    attrs: {},
    resource: res,
    ...(severity ? { severity } : {}),
    ...(traceId ? { traceId } : {}),
  };
}

/** A source over fixed records (filtered to the asked window, like every source). */
function fixed(records: LogRecord[]): Source {
  return {
    kind: 'fixed',
    location: (_t, d: Dataset) => ({ bucket: 'org1', objectKey: d === 'logs' ? 'default' : d }),
    async *stream(_t, d, w: Window): AsyncIterable<TelemetryRecord> {
      if (d !== 'logs') return;
      for (const r of records) if (r.ts >= w.from && r.ts < w.to) yield r;
    },
  };
}

function windowLines(start: number): LogRecord[] {
  const out: LogRecord[] = [];
  for (let i = 0; i < 40; i++) {
    out.push(log(start + i * 1000, `user ${1000 + i} logged in from 10.0.${i}.7 in ${i + 3}ms`, 'INFO', `t${i}`));
    out.push(
      log(
        start + i * 1000 + 500,
        `order ${90000 + i} failed: upstream timeout after ${i * 10}ms`,
        i % 2 ? 'ERROR' : undefined,
        `e${i}`,
      ),
    );
  }
  return out;
}

for (const driver of drivers()) {
  describe(`${driver}: oo-logs job`, () => {
    it('T5: one fingerprint per template, error lines counted, with locators', async () => {
      const t = await openTestDb(driver);
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const w = { from: T0, to: T0 + 5 * M };
        await runWindow(t.db, ooLogsJob(), tenant!, w, fixed(windowLines(T0)));
        const pats = await t.db.query<{ pattern: string; severity: string }>(
          'SELECT pattern, severity FROM log_pattern ORDER BY pattern',
        );
        assert.deepEqual(
          pats.rows.map((p) => p.pattern),
          ['order <*> failed: upstream timeout after <*>', 'user <*> logged in from <*> in <*>'],
        );
        assert.equal(pats.rows[0]!.severity, 'ERROR');
        const counts = await t.db.query<{ pattern: string; count_total: number; count_error: number; hint: string }>(
          `SELECT p.pattern, c.count_total::int, c.count_error::int, l.query_hint AS hint FROM log_pattern_5m c
             JOIN log_pattern p USING (fingerprint_id) JOIN oo_locator l ON l.id = c.sample_ref ORDER BY p.pattern`,
        );
        // 'order ... failed' has level ERROR on odd lines and no level (inferred from "failed") on even ones
        assert.equal(counts.rows[0]!.count_total, 40);
        assert.ok(counts.rows[0]!.count_error >= 20, `count_error ${counts.rows[0]!.count_error}`);
        assert.equal(counts.rows[1]!.count_total, 40);
        assert.equal(counts.rows[1]!.count_error, 0);
        assert.match(
          counts.rows[0]!.hint,
          /^SELECT \* FROM "default" WHERE service_name = 'checkout' AND str_match\(body, 'failed: upstream timeout after'\)/,
        );
      } finally {
        await t.close();
      }
    });

    it('fingerprints survive a restart (new process, same database) and a re-run', async () => {
      const t = await openTestDb(driver);
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const w1 = { from: T0, to: T0 + 5 * M };
        const w2 = { from: T0 + 5 * M, to: T0 + 10 * M };
        const src = fixed([...windowLines(T0), ...windowLines(T0 + 5 * M)]);
        await runWindow(t.db, ooLogsJob(), tenant!, w1, src);
        const fps1 = await t.db.query<{ fingerprint: string; fingerprint_id: number }>(
          'SELECT fingerprint, fingerprint_id FROM log_pattern ORDER BY 1',
        );
        // "restart": a new job instance with an empty dictionary loads it from the database
        await runWindow(t.db, ooLogsJob(), tenant!, w2, src);
        await runWindow(t.db, ooLogsJob(), tenant!, w1, src);
        const fps2 = await t.db.query<{ fingerprint: string; fingerprint_id: number }>(
          'SELECT fingerprint, fingerprint_id FROM log_pattern ORDER BY 1',
        );
        assert.deepEqual(fps2.rows, fps1.rows);
        const perWindow = await t.db.query<{ bucket: Date; n: number }>(
          'SELECT bucket, sum(count_total)::int AS n FROM log_pattern_5m GROUP BY 1 ORDER BY 1',
        );
        assert.deepEqual(
          perWindow.rows.map((r) => r.n),
          [80, 80],
        );
      } finally {
        await t.close();
      }
    });

    it('idempotent under a changed dictionary: window 2, then 1, then 2 again counts nothing twice', async () => {
      const t = await openTestDb(driver);
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const src = new MockSource(mockConfigSchema.parse({ kind: 'mock', seed: 11, scale: 0.2 }));
        const w1 = { from: T0, to: T0 + 5 * M };
        const w2 = { from: T0 + 5 * M, to: T0 + 10 * M };
        const job = ooLogsJob();
        const r2 = await runWindow(t.db, job, tenant!, w2, src);
        const lines2 = r2.result.recordsRead?.logs ?? 0;
        assert.ok(lines2 > 1000);
        await runWindow(t.db, job, tenant!, w1, src);
        await runWindow(t.db, job, tenant!, w2, src);
        const sums = await t.db.query<{ bucket: Date; n: number }>(
          'SELECT bucket, sum(count_total)::int AS n FROM log_pattern_5m GROUP BY 1 ORDER BY 1',
        );
        assert.equal(sums.rows.length, 2);
        assert.equal(sums.rows[1]!.n, lines2);
        const dup = await t.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM (SELECT fingerprint FROM log_pattern GROUP BY tenant_id, fingerprint HAVING count(*) > 1) x',
        );
        assert.equal(dup.rows[0]!.n, 0);
        // a further re-run of both windows changes nothing
        const before = await tableSnapshot(t.db, 'log_pattern_5m');
        await runWindow(t.db, job, tenant!, w1, src);
        await runWindow(t.db, job, tenant!, w2, src);
        assert.equal(await tableSnapshot(t.db, 'log_pattern_5m'), before);
      } finally {
        await t.close();
      }
    });

    it('a pattern that generalizes in a later window is renamed; earlier rows resolve to the new name', async () => {
      const t = await openTestDb(driver);
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const w1 = { from: T0, to: T0 + 5 * M };
        const w2 = { from: T0 + 5 * M, to: T0 + 10 * M };
        // The depot word is constant in window 1 and varies from window 2 on.
        const lines = (w: number, who: string, n: number) =>
          Array.from({ length: n }, (_, i) => log(w + i * 1000, `quote for order ${i} ready at ${who} depot in 3ms`));
        const source = fixed([...lines(T0, 'north', 3), ...lines(T0 + 5 * M, 'south', 2)]);
        const job = ooLogsJob();
        await runWindow(t.db, job, tenant!, w1, source);
        await runWindow(t.db, job, tenant!, w2, source);
        const aliases = await t.db.query<{ fingerprint: string; canonical: string }>(
          'SELECT fingerprint, canonical FROM log_pattern_alias',
        );
        assert.equal(aliases.rows.length, 1);
        const resolved = await t.db.query<{ bucket: Date; pattern: string; n: number }>(
          `SELECT c.bucket, p.pattern, c.count_total::int AS n FROM log_pattern_5m c
             JOIN log_pattern_resolved r USING (fingerprint_id) JOIN log_pattern p ON p.fingerprint_id = r.canonical_id
            ORDER BY c.bucket`,
        );
        assert.deepEqual(
          resolved.rows.map((r) => [r.bucket.getTime(), r.pattern, r.n]),
          [
            [T0, 'quote for order <*> ready at <*> depot in <*>', 3],
            [T0 + 5 * M, 'quote for order <*> ready at <*> depot in <*>', 2],
          ],
        );
        assert.equal(
          aliases.rows[0]!.canonical,
          (
            await t.db.query<{ f: string }>(
              "SELECT fingerprint AS f FROM log_pattern WHERE pattern = 'quote for order <*> ready at <*> depot in <*>'",
            )
          ).rows[0]!.f,
        );
        // A new process loads the canonical pattern only (the former name is an alias) and keeps it.
        const again = ooLogsJob();
        await runWindow(t.db, again, tenant!, w1, source);
        const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_pattern_alias');
        assert.equal(after.rows[0]!.n, 1);
        const rerun = await t.db.query<{ fp: string }>(
          `SELECT p.fingerprint AS fp FROM log_pattern_5m c JOIN log_pattern p USING (fingerprint_id)
            WHERE c.bucket = $1`,
          [new Date(T0)],
        );
        assert.deepEqual(
          rerun.rows.map((r) => r.fp),
          [aliases.rows[0]!.canonical],
          'the re-run window is written under the canonical name',
        );
      } finally {
        await t.close();
      }
    });
  });
}

describe('longestLiteral', () => {
  it('picks the longest constant run of a template', () => {
    assert.equal(longestLiteral('user <*> logged in from <*> in <*>'), 'logged in from');
    assert.equal(longestLiteral('<*> <*>'), '');
    assert.equal(longestLiteral('plain message'), 'plain message');
  });
});
