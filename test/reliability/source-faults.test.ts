/**
 * Scenario 3 — source faults, on the OpenObserve stand-in (test/helpers/oo-standin). Two tenants run
 * the real oo-calls and oo-logs jobs through the real runtime and OpenObserve source. Tenant `good`'s
 * stand-in answers a run of faults before it behaves — 500, 503, 429 with Retry-After, a response
 * slower than the request timeout, truncated JSON, a repeated page, a reset connection; tenant
 * `bad`'s stand-in answers the first page of each window and then 500 forever. The client's retries must recover `good` (tables equal a clean
 * run against a fault-free stand-in); `bad`'s circuit opens, its windows never write a row, and
 * `good` goes on meanwhile.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema, type ParsedConfig } from '../../src/config/schema.js';
import type { Dataset, TelemetryRecord } from '../../src/core/records.js';
import { RejectStats } from '../../src/core/reject-stats.js';
import type { Tenant } from '../../src/core/tenant.js';
import { builtInJobs } from '../../src/jobs/index.js';
import { enqueueWindows } from '../../src/queue/enqueue.js';
import { Runtime } from '../../src/runner/runtime.js';
import { mockConfigSchema } from '../../src/sources/mock/config.js';
import { MockSource } from '../../src/sources/mock/mock-source.js';
import { createSource } from '../../src/sources/registry.js';
import type { LogRecord, Span } from '../../src/core/records.js';
import { drivers, openTestDb, type DriverName } from '../helpers/db.js';
import {
  logToOoRow,
  spanToOoRow,
  startOoStandin,
  STANDIN_AUTH,
  type OoFault,
  type OoRow,
} from '../helpers/oo-standin/index.js';
import { checkRuns, compareRows, summaryRows, type TableRows } from '../helpers/reliability/checksum.js';
import { report } from '../helpers/reliability/report.js';
import { MIN, T0, windowsOf } from '../helpers/reliability/setup.js';

const JOBS = ['oo-calls', 'oo-logs'];
const FROM = T0;
const TO = T0 + 10 * MIN;
const ENV = { REL_OO_PASSWORD: STANDIN_AUTH.password };

async function ooRows(): Promise<Record<string, OoRow[]>> {
  const mock = new MockSource(mockConfigSchema.parse({ kind: 'mock', seed: 3, scale: 0.02 }));
  const tenant: Tenant = { id: 1, code: 'x', name: 'x' };
  const get = async (d: Dataset): Promise<TelemetryRecord[]> => {
    const out: TelemetryRecord[] = [];
    for await (const r of mock.stream(tenant, d, { from: FROM, to: TO }, new RejectStats())) out.push(r);
    return out;
  };
  return {
    'traces/default': ((await get('traces')) as Span[]).map(spanToOoRow),
    'logs/default': ((await get('logs')) as LogRecord[]).map(logToOoRow),
  };
}

function config(urls: Record<string, string>): ParsedConfig {
  const jobs: Record<string, unknown> = {};
  for (const j of builtInJobs()) {
    jobs[j.name] = JOBS.includes(j.name)
      ? {
          retry: { attempts: 4, base: '1s', factor: 1.5, max: '2s' },
          circuit: { failures: 2, cooldown: '10m' },
          timeout: '20s',
        }
      : { enabled: false };
  }
  return configSchema.parse({
    tenants: Object.entries(urls).map(([code, url]) => ({
      code,
      source: {
        kind: 'openobserve',
        url,
        user: STANDIN_AUTH.user,
        password_env: 'REL_OO_PASSWORD',
        page_size: 40, // several pages per window, so a repeated page can happen mid-window
        request_timeout: '1s',
        retry: { max_attempts: 6, initial_delay: '50ms', max_delay: '1500ms' },
        streams: { metrics: ['none'] },
      },
      initial_lookback: { default: '5m' },
    })),
    jobs,
    logging: { level: 'silent' },
  });
}

async function run(
  driver: DriverName,
  urls: Record<string, string>,
): Promise<{ rows: TableRows; ms: number; db: Awaited<ReturnType<typeof openTestDb>> }> {
  const cfg = config(urls);
  const t = await openTestDb(driver);
  const runtime = await Runtime.create({
    config: cfg,
    db: t.db,
    jobs: builtInJobs(),
    sourceFactory: (c) => createSource(c, { env: ENV }),
    workerId: 'rel-source',
    scheduler: { lease: 30_000, workers: 2, tick: 200 },
    pollInterval: 50,
  });
  const t0 = Date.now();
  try {
    for (const tenant of runtime.tenants) {
      for (const job of JOBS) {
        await enqueueWindows(t.db, {
          job,
          tenantId: tenant.id,
          windows: windowsOf(cfg, job, FROM, TO),
          maxAttempts: 4,
          now: TO,
        });
      }
    }
    await runtime.runOnce({ tick: false });
  } finally {
    await runtime.stop(0);
  }
  return { rows: await summaryRows(t.db), ms: Date.now() - t0, db: t };
}

describe('reliability: source faults (OpenObserve stand-in)', { timeout: 120_000 }, () => {
  for (const driver of drivers())
    it(`${driver}: retries recover a faulty tenant; an always-failing tenant opens its circuit and writes nothing`, async () => {
      const rows = await ooRows();
      const clean = await startOoStandin({ rows });
      let ref: TableRows;
      try {
        const r = await run(driver, { good: clean.url });
        ref = r.rows;
        await r.db.close();
      } finally {
        await clean.close();
      }
      assert.ok(ref.service_call_5m!.length > 0 && ref.log_pattern_5m!.length > 0);

      const faults: OoFault[] = [
        { kind: 'status', status: 500 },
        { kind: 'status', status: 503 },
        { kind: 'status', status: 429, retryAfter: '1' },
        { kind: 'delay', ms: 1_500 },
        { kind: 'truncate' },
        { kind: 'repeat-page' },
        { kind: 'reset' },
        { kind: 'status', status: 502 },
      ];
      const good = await startOoStandin({ rows, faults: { search: [...faults] } });
      // `bad` answers the first search of each 5-minute window and stream, then 500 forever: its
      // windows read part of their data before failing, so a partially read window must write nothing.
      const firstPages = new Set<string>();
      let badPagesServed = 0;
      const bad = await startOoStandin({
        rows,
        faults: {
          when: (req) => {
            const q = (req.body as { query: { sql: string; start_time: number } }).query;
            const key = `${req.params['type']}|${Math.floor(q.start_time / 300e6)}`;
            if (firstPages.has(key)) return { kind: 'status', status: 500 };
            firstPages.add(key);
            badPagesServed++;
            return undefined;
          },
        },
      });
      try {
        const r = await run(driver, { good: good.url, bad: bad.url });
        try {
          const c = compareRows(ref, r.rows);
          assert.equal(c.differences, 0, JSON.stringify(c.tables));
          const runs = await checkRuns(r.db.db, JOBS);
          const goodRuns = await r.db.db.query<{ status: string; n: number }>(
            `SELECT e.status, count(*)::int AS n FROM etl_job_run e JOIN dim_tenant t USING (tenant_id)
           WHERE t.code = 'good' GROUP BY 1`,
          );
          assert.deepEqual(goodRuns.rows, [{ status: 'success', n: 4 }]);
          for (const table of ['service_call_5m', 'log_pattern_5m', 'log_pattern', 'oo_locator', 'dim_resource']) {
            const badRows = await r.db.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM ${table} x JOIN dim_tenant t USING (tenant_id) WHERE t.code = 'bad'`,
            );
            assert.equal(badRows.rows[0]!.n, 0, `no partial window of the failing tenant in ${table}`);
          }
          const hitsServed = bad.searches().reduce((n, q) => n + (q.hits ?? 0), 0);
          assert.ok(hitsServed > 0, 'the failing tenant did read part of its windows');
          const badRuns = runs.notSuccess.filter((x) => x.tenant === 'bad');
          assert.equal(runs.notSuccess.length, badRuns.length, JSON.stringify(runs.notSuccess));
          assert.ok(badRuns.length > 0);
          const circuit = await r.db.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM etl_job_circuit c JOIN dim_tenant t USING (tenant_id) WHERE t.code = 'bad' AND c.state = 'open'`,
          );
          assert.equal(circuit.rows[0]!.n, JOBS.length, 'both circuits of the failing tenant open');
          const faultsTaken = good.requests.filter((q) => q.fault !== undefined).length;
          assert.equal(good.faults.search.length, 0, 'every queued fault was served');
          report(`source faults (${driver})`, {
            faultsInjected: faultsTaken,
            badTenantSearches: bad.searches().length,
            badPagesServed,
            badHitsServed: hitsServed,
            windows: 8,
            rowsCompared: c.rows,
            differences: c.differences,
            badWindowsNotSuccess: badRuns.length,
            badCircuitsOpen: circuit.rows[0]!.n,
            ms: r.ms,
          });
        } finally {
          await r.db.close();
        }
      } finally {
        await good.close();
        await bad.close();
      }
    });
});
