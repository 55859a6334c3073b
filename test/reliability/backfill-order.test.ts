/**
 * Scenario 8 — backfill order. History mined for the first time after newer windows (a backfill of
 * a never-processed range while live windows already ran) must give the same log patterns as a
 * chronological run: the same log_pattern_5m rows (fingerprints resolved through log_pattern_alias)
 * and the same canonical log_pattern rows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drivers, openTestDb } from '../helpers/db.js';
import { compareRows, summaryRows } from '../helpers/reliability/checksum.js';
import { referenceRows } from '../helpers/reliability/reference.js';
import { report } from '../helpers/reliability/report.js';
import { enqueueRange, MIN, runQueued, T0, type RelSetup } from '../helpers/reliability/setup.js';

const HOUR = 60 * MIN;

describe('reliability: backfill after newer windows', () => {
  for (const driver of drivers()) {
    it(
      `${driver}: newest third first, then the middle, then the oldest: the tables of a chronological run`,
      { timeout: 600_000 },
      async () => {
        const setup: RelSetup = { tenants: ['a'], jobs: ['oo-logs'] };
        const hours = driver === 'postgres' ? 24 : 12;
        const from = T0;
        const to = T0 + hours * HOUR;
        const t0 = Date.now();
        const reference = await referenceRows(setup, from, to, driver);
        const t = await openTestDb(driver);
        try {
          const third = (to - from) / 3;
          for (const k of [2, 1, 0]) {
            await enqueueRange(t.db, setup, from + k * third, from + (k + 1) * third);
            const s = await runQueued(t.db, setup);
            assert.ok(s.ok, JSON.stringify(s));
          }
          const c = compareRows(reference, await summaryRows(t.db));
          // The case is only a case if patterns were renamed on the way (first lines differed by order).
          const aliases = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_pattern_alias')).rows[0]!
            .n;
          const lp = c.tables.log_pattern_5m!;
          report('backfill-order', {
            driver,
            hours,
            log_pattern_5m: lp.reference,
            differing: lp.differences / 2,
            log_pattern: c.tables.log_pattern!.reference,
            aliases,
            differences: c.differences,
            ms: Date.now() - t0,
          });
          assert.equal(c.differences, 0, JSON.stringify(c.tables));
          assert.ok(aliases > 0, 'some patterns were renamed while the backfill ran');
        } finally {
          await t.close();
        }
      },
    );
  }
});
