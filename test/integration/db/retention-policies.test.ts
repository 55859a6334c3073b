/**
 * TimescaleDB's retention policies follow the configured retention (a runtime sets them): without
 * it they kept the seed's 180/365 days whatever the config said, and dropped backfilled chunks the
 * config keeps. Without TimescaleDB (PGlite, CI's server) there is nothing to set.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema } from '../../../src/config/schema.js';
import { isEnabled } from '../../../src/db/capabilities.js';
import { syncRetentionPolicies } from '../../../src/db/retention-policies.js';
import { builtInJobs } from '../../../src/jobs/index.js';
import { Runtime } from '../../../src/runner/runtime.js';
import { drivers, openTestDb } from '../../helpers/db.js';

const DAY = 86_400_000;

describe('retention policies', () => {
  for (const driver of drivers()) {
    it(`${driver}: a runtime sets the policies' drop_after to the configured retention, once`, async (ctx) => {
      const t = await openTestDb(driver);
      try {
        const timescale = await isEnabled(t.db, 'timescaledb');
        const dropAfter = async () => {
          const r = await t.db.query<{ hypertable_name: string; d: string }>(
            `SELECT hypertable_name, (config ->> 'drop_after')::interval::text AS d
               FROM timescaledb_information.jobs
              WHERE proc_name = 'policy_retention' AND hypertable_schema = current_schema()
              ORDER BY hypertable_name`,
          );
          return Object.fromEntries(r.rows.map((x) => [x.hypertable_name, x.d]));
        };
        if (timescale)
          assert.deepEqual(await dropAfter(), {
            log_pattern_5m: '180 days',
            metric_1m: '180 days',
            service_call_5m: '365 days',
          });
        const config = configSchema.parse({
          tenants: [{ code: 'r1', source: { kind: 'mock', seed: 1, scale: 0.01 } }],
          retention: { metric_1m: '3650d', log_pattern_5m: '36h' },
        });
        const runtime = await Runtime.create({ config, db: t.db, jobs: builtInJobs(), sourceFactory: null });
        await runtime.stop(0);
        if (!timescale) {
          ctx.diagnostic('skipped: TimescaleDB is not in use here, so there are no policies to set');
          assert.deepEqual(
            await syncRetentionPolicies(t.db, { metric_1m: DAY, service_call_5m: DAY, log_pattern_5m: DAY }),
            [],
          );
          return;
        }
        // metric_1m and log_pattern_5m as configured; service_call_5m keeps the default.
        assert.deepEqual(await dropAfter(), {
          log_pattern_5m: '36:00:00',
          metric_1m: '3650 days',
          service_call_5m: '365 days',
        });
        // The same figures again change nothing (processes starting together).
        const again = await syncRetentionPolicies(t.db, {
          metric_1m: 3650 * DAY,
          service_call_5m: 365 * DAY,
          log_pattern_5m: 36 * 3_600_000,
        });
        assert.deepEqual(again, []);
        const back = await syncRetentionPolicies(t.db, {
          metric_1m: 180 * DAY,
          service_call_5m: 365 * DAY,
          log_pattern_5m: 180 * DAY,
        });
        assert.deepEqual(back.map((c) => `${c.table} ${c.was} -> ${c.now}`).sort(), [
          'log_pattern_5m 36:00:00 -> 180 days',
          'metric_1m 3650 days -> 180 days',
        ]);
        assert.deepEqual(await dropAfter(), {
          log_pattern_5m: '180 days',
          metric_1m: '180 days',
          service_call_5m: '365 days',
        });
      } finally {
        await t.close();
      }
    });
  }
});
