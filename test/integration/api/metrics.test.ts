import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { drivers } from '../../helpers/db.js';
import { parsePrometheusText, type Family } from '../../unit/api/prom-text.js';
import { enqueue, iso, M, NOW, openApiHarness, type ApiHarness } from './harness.js';

async function scrape(h: ApiHarness): Promise<Map<string, Family>> {
  const res = await h.server.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(res.body);
}

function lagOf(f: Map<string, Family>): Map<string, number> {
  const fam = f.get('observebridge_window_lag_seconds');
  assert.ok(fam, 'lag gauge present');
  assert.equal(fam.type, 'gauge');
  return new Map(fam.samples.map((s) => [`${s.labels.job}/${s.labels.tenant}`, s.value]));
}

for (const driver of drivers()) {
  describe(`${driver}: GET /metrics`, () => {
    let h: ApiHarness;
    before(async () => {
      h = await openApiHarness(driver);
    });
    after(() => h.close());

    it('parses strictly and has the lag gauge for every (job, tenant), queue depth and circuit state', async () => {
      const r = await enqueue(h, { job: 'oo-calls', tenant: 'acme', from: iso(NOW - 30 * M), to: iso(NOW - 20 * M) });
      assert.equal(r.status, 202);
      await enqueue(h, { job: 'oo-calls', tenant: 'acme', from: iso(NOW), to: iso(NOW + 5 * M) }); // future: stays queued
      await h.drain();
      const f = await scrape(h);
      const lag = lagOf(f);
      assert.deepEqual([...lag.keys()].sort(), [
        'oo-calls/acme',
        'oo-calls/globex',
        'oo-metrics/acme',
        'oo-metrics/globex',
      ]);
      assert.equal(lag.get('oo-calls/acme'), 20 * 60, 'now − end of the last successful window');
      assert.ok(Number.isNaN(lag.get('oo-metrics/globex')), 'no run yet: unknown');

      const depth = f.get('observebridge_queue_depth')!.samples;
      const d = (job: string, tenant: string, state: string) =>
        depth.find((s) => s.labels.job === job && s.labels.tenant === tenant && s.labels.state === state)?.value;
      assert.equal(d('oo-calls', 'acme', 'queued'), 1);
      assert.equal(d('oo-calls', 'acme', 'dead'), 0);
      assert.equal(d('oo-metrics', 'globex', 'running'), 0);
      assert.equal(depth.length, 4 * 4);

      const circuit = f.get('observebridge_circuit_state')!.samples;
      assert.equal(circuit.filter((s) => s.labels.state === 'closed' && s.value === 1).length, 4);

      const runs = f.get('observebridge_runs_total')!.samples;
      assert.equal(runs.find((s) => s.labels.job === 'oo-calls' && s.labels.outcome === 'success')?.value, 2);
      assert.ok(
        f.get('observebridge_records_read_total')!.samples.some((s) => s.labels.dataset === 'traces' && s.value > 0),
      );
      assert.ok(f.get('observebridge_rows_written_total')!.samples.some((s) => s.labels.table === 'service_call_5m'));
      assert.ok(f.has('process_resident_memory_bytes') || f.has('process_cpu_user_seconds_total'));
      // Labels stay low-cardinality: no URNs, ids or times anywhere.
      for (const fam of f.values()) {
        for (const s of fam.samples) {
          for (const v of Object.values(s.labels)) assert.doesNotMatch(v, /^urn:|^\d{4}-\d{2}-\d{2}T/);
        }
      }
    });

    it('a circuit that is open shows as open', async () => {
      await h.db.query(
        `INSERT INTO etl_job_circuit(job, tenant_id, state, consecutive_failures) VALUES ('oo-metrics', $1, 'open', 5)`,
        [h.tenants[1]!.id],
      );
      const c = (await scrape(h)).get('observebridge_circuit_state')!.samples;
      const v = (state: string) =>
        c.find((s) => s.labels.job === 'oo-metrics' && s.labels.tenant === 'globex' && s.labels.state === state)?.value;
      assert.deepEqual([v('closed'), v('open'), v('half_open')], [0, 1, 0]);
    });
  });

  describe(`${driver}: window lag under steady load`, () => {
    let h: ApiHarness;
    before(async () => {
      h = await openApiHarness(driver, {
        tenants: ['acme'],
        configExtra: {},
      });
    });
    after(() => h.close());

    it('stays below delay + align while the scheduler and runner keep up, and grows when they stop', async () => {
      // oo-metrics: align 1m, delay 2m → bound 180 s; oo-calls: align 5m, delay 2m → bound 420 s.
      const bound = { 'oo-metrics/acme': 180, 'oo-calls/acme': 420 };
      const floor = { 'oo-metrics/acme': 120, 'oo-calls/acme': 120 };
      const start = NOW - 13 * M; // windows start 1h before this (the default initial lookback)
      const maxSeen = { 'oo-metrics/acme': 0, 'oo-calls/acme': 0 };
      // Catch up once, then 18 steps of 37 s (not a divisor of either align: every phase is visited).
      h.clock.set(start);
      await h.schedule();
      await h.drain();
      for (let i = 0; i <= 18; i++) {
        h.clock.set(start + i * 37_000);
        await h.schedule();
        await h.drain();
        const lag = lagOf(await scrape(h));
        for (const [k, b] of Object.entries(bound) as [keyof typeof bound, number][]) {
          const v = lag.get(k)!;
          assert.ok(v < b, `step ${i}: ${k} lag ${v} s must stay below delay + align = ${b} s`);
          assert.ok(v >= floor[k], `step ${i}: ${k} lag ${v} s cannot be fresher than the delay`);
          maxSeen[k] = Math.max(maxSeen[k], v);
        }
      }
      // The bound is approached, so the check above is not vacuous.
      assert.ok(maxSeen['oo-metrics/acme'] > 170, `max oo-metrics lag ${maxSeen['oo-metrics/acme']}`);
      assert.ok(maxSeen['oo-calls/acme'] > 390, `max oo-calls lag ${maxSeen['oo-calls/acme']}`);
      // The workers stop: the lag grows with the clock and crosses the bound.
      const stalled = start + 18 * 37_000 + 10 * M;
      h.clock.set(stalled);
      await h.schedule();
      const lag = lagOf(await scrape(h));
      assert.ok(lag.get('oo-metrics/acme')! > 180 + 5 * 60, `stalled lag ${lag.get('oo-metrics/acme')}`);
      assert.ok(lag.get('oo-calls/acme')! > 420);
    });
  });
}
