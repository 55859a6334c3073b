import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createApiServer } from '../../../src/api/server.js';
import { silentLogger } from '../../../src/obs/logger.js';
import { createMetrics } from '../../../src/obs/metrics.js';
import { drivers } from '../../helpers/db.js';
import { tableSnapshot } from '../../helpers/job-harness.js';
import { enqueue, iso, M, NOW, openApiHarness, TOKEN, type ApiHarness } from './harness.js';

type Window = { from: string; to: string; status: string; action: string; due: boolean };

async function runRows(h: ApiHarness): Promise<{ status: string; attempt: number; from: string }[]> {
  const r = await h.db.query<{ status: string; attempt: number; window_from: Date }>(
    `SELECT status, attempt, window_from FROM etl_job_run WHERE job = 'oo-calls' ORDER BY tenant_id, window_from`,
  );
  return r.rows.map((x) => ({ status: x.status, attempt: x.attempt, from: x.window_from.toISOString() }));
}

async function successCount(h: ApiHarness): Promise<number> {
  const m = await h.metrics.registry.getSingleMetric('observebridge_runs_total')!.get();
  return m.values
    .filter((v) => v.labels.job === 'oo-calls' && v.labels.tenant === 'acme' && v.labels.outcome === 'success')
    .reduce((a, v) => a + v.value, 0);
}

for (const driver of drivers()) {
  describe(`${driver}: POST /events/enqueue`, () => {
    let h: ApiHarness;
    before(async () => {
      h = await openApiHarness(driver);
    });
    after(() => h.close());

    it('force re-runs a successful window and overwrites its rows; without force nothing changes', async () => {
      const body = { job: 'oo-calls', tenant: 'acme', from: iso(NOW - 20 * M), to: iso(NOW - 10 * M) };
      const first = await enqueue(h, body);
      assert.equal(first.status, 202);
      assert.deepEqual(first.json.counts, { inserted: 2, requeued: 0, existing: 0 });
      await h.drain();
      assert.deepEqual(
        (await runRows(h)).map((r) => r.status),
        ['success', 'success'],
      );
      assert.equal(await successCount(h), 2);
      const good = await tableSnapshot(h.db, 'service_call_5m');
      const n = (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM service_call_5m')).rows[0]!.n;
      assert.ok(n > 5, `the windows wrote rows (${n})`);

      // Damage the rows, so a re-run is visible in the data itself.
      await h.db.query('UPDATE service_call_5m SET calls = calls + 1000');
      const damaged = await tableSnapshot(h.db, 'service_call_5m');
      const runsBefore = await tableSnapshot(h.db, 'etl_job_run');

      const again = await enqueue(h, body);
      assert.equal(again.status, 202);
      assert.deepEqual(again.json.counts, { inserted: 0, requeued: 0, existing: 2 });
      assert.deepEqual(again.json.states, { success: 2 });
      await h.drain();
      assert.equal(await tableSnapshot(h.db, 'service_call_5m'), damaged, 'without force the rows stay');
      assert.equal(await tableSnapshot(h.db, 'etl_job_run'), runsBefore, 'without force the runs stay');
      assert.equal(await successCount(h), 2);

      const forced = await enqueue(h, { ...body, force: true });
      assert.equal(forced.status, 202);
      assert.deepEqual(forced.json.counts, { inserted: 0, requeued: 2, existing: 0 });
      assert.deepEqual(forced.json.states, { queued: 2 });
      await h.drain();
      assert.equal(await successCount(h), 4, 'both windows ran again');
      assert.equal(await tableSnapshot(h.db, 'service_call_5m'), good, 'rows overwritten, not duplicated');
      const n2 = (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM service_call_5m')).rows[0]!.n;
      assert.equal(n2, n);
      assert.deepEqual(
        (await runRows(h)).map((r) => [r.status, r.attempt]),
        [
          ['success', 1],
          ['success', 1],
        ],
      );
    });

    it('a future window is accepted, stays queued until the clock passes its upper bound, then runs', async () => {
      // oo-calls: align 5m, delay 2m → at NOW the newest runnable window ends at NOW − 5m.
      const body = { job: 'oo-calls', tenant: 'globex', from: iso(NOW), to: iso(NOW + 10 * M) };
      const r = await enqueue(h, body);
      assert.equal(r.status, 202);
      const ws = r.json.windows as Window[];
      assert.deepEqual(
        ws.map((w) => [w.from, w.status, w.due]),
        [
          [iso(NOW), 'queued', false],
          [iso(NOW + 5 * M), 'queued', false],
        ],
      );
      const statuses = async () =>
        (
          await h.db.query<{ status: string }>(
            `SELECT status FROM etl_job_run WHERE tenant_id = $1 AND window_from >= $2 ORDER BY window_from`,
            [h.tenants[1]!.id, iso(NOW)],
          )
        ).rows.map((x) => x.status);
      await h.drain();
      assert.deepEqual(await statuses(), ['queued', 'queued']);
      h.clock.set(NOW + 7 * M - 1); // upper = floor(NOW + 5m − 1ms, 5m) = NOW: still not due
      await h.drain();
      assert.deepEqual(await statuses(), ['queued', 'queued']);
      h.clock.set(NOW + 7 * M); // upper = NOW + 5m: the first window is due
      await h.drain();
      assert.deepEqual(await statuses(), ['success', 'queued']);
      h.clock.set(NOW + 12 * M);
      await h.drain();
      assert.deepEqual(await statuses(), ['success', 'success']);
      h.clock.set(NOW);
    });

    it('is idempotent: the same request twice enqueues nothing new; windows are aligned', async () => {
      const body = {
        job: 'oo-metrics',
        tenant_id: h.tenants[0]!.id,
        from: iso(NOW - 90 * M + 30_000),
        to: iso(NOW - 87 * M - 1),
      };
      const a = await enqueue(h, body);
      assert.equal(a.status, 202);
      assert.equal(a.json.from, iso(NOW - 90 * M));
      assert.equal(a.json.to, iso(NOW - 87 * M));
      assert.deepEqual(a.json.counts, { inserted: 3, requeued: 0, existing: 0 });
      const before = await tableSnapshot(h.db, 'etl_job_run');
      const b = await enqueue(h, body);
      assert.equal(b.status, 202);
      assert.deepEqual(b.json.counts, { inserted: 0, requeued: 0, existing: 3 });
      assert.equal(await tableSnapshot(h.db, 'etl_job_run'), before);
      // tenant_id may also be the code
      const c = await enqueue(h, { ...body, tenant_id: 'acme' });
      assert.deepEqual(c.json.counts, { inserted: 0, requeued: 0, existing: 3 });
    });

    it('validation errors are 400 with the field and the reason; unknown job or tenant is 404', async () => {
      const ok = { job: 'oo-calls', tenant: 'acme', from: iso(NOW - 60 * M), to: iso(NOW - 55 * M) };
      const cases: [unknown, string, RegExp][] = [
        [{ ...ok, job: undefined }, 'job', /required/],
        [{ ...ok, job: 42 }, 'job', /string/],
        [{ ...ok, from: 'yesterday' }, 'from', /ISO 8601/],
        [{ ...ok, from: '2026-06-10T10:00:00' }, 'from', /zone/],
        [{ ...ok, to: ok.from }, 'to', /after from/],
        [{ ...ok, force: 'yes' }, 'force', /boolean/],
        [{ ...ok, tenant_id: 1 }, 'tenant', /exactly one/],
        [{ job: 'oo-calls', from: ok.from, to: ok.to }, 'tenant', /exactly one/],
        [{ ...ok, forced: true }, 'forced', /unknown field/],
        [{ ...ok, from: iso(NOW - 400 * 24 * 60 * M), job: 'oo-metrics' }, 'to', /at most 50000/],
      ];
      for (const [body, field, reason] of cases) {
        const r = await enqueue(h, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.json.field, field, JSON.stringify(r.json));
        assert.match(String(r.json.message), reason);
        assert.equal(typeof r.json.request_id, 'string');
      }
      const job = await enqueue(h, { ...ok, job: 'nope' });
      assert.equal(job.status, 404);
      assert.equal(job.json.error, 'unknown_job');
      const tenant = await enqueue(h, { ...ok, tenant: 'initech' });
      assert.equal(tenant.status, 404);
      assert.equal(tenant.json.error, 'unknown_tenant');
      const byId = await enqueue(h, { ...ok, tenant: undefined, tenant_id: 999_999 });
      assert.equal(byId.status, 404);
    });

    it('CloudEvents: structured and binary modes enqueue; malformed events are 400', async () => {
      const data = { job: 'oo-calls', tenant: 'acme', from: iso(NOW - 120 * M), to: iso(NOW - 115 * M) };
      const ce = { specversion: '1.0', id: 'e-1', source: '/ops/replay', type: 'io.observebridge.window.enqueue' };
      const structured = await enqueue(h, null, {
        headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
        raw: JSON.stringify({ ...ce, datacontenttype: 'application/json', data }),
      });
      assert.equal(structured.status, 202, JSON.stringify(structured.json));
      assert.deepEqual(structured.json.counts, { inserted: 1, requeued: 0, existing: 0 });

      const binary = await enqueue(
        h,
        { ...data, from: iso(NOW - 130 * M), to: iso(NOW - 125 * M) },
        {
          headers: { 'ce-specversion': '1.0', 'ce-id': 'e-2', 'ce-source': '/ops/replay', 'ce-type': ce.type },
        },
      );
      assert.equal(binary.status, 202, JSON.stringify(binary.json));
      assert.deepEqual(binary.json.counts, { inserted: 1, requeued: 0, existing: 0 });

      const b64 = await enqueue(h, null, {
        headers: { 'content-type': 'application/cloudevents+json' },
        raw: JSON.stringify({ ...ce, data_base64: Buffer.from(JSON.stringify(data)).toString('base64') }),
      });
      assert.equal(b64.status, 202);
      assert.deepEqual(b64.json.counts, { inserted: 0, requeued: 0, existing: 1 });

      const structuredBad: [unknown, string][] = [
        [{ ...ce, id: undefined, data }, 'id'],
        [{ ...ce, specversion: '0.3', data }, 'specversion'],
        [{ ...ce, source: '', data }, 'source'],
        [{ ...ce }, 'data'],
        [{ ...ce, data: { ...data, from: 'soon' } }, 'data.from'],
        [{ ...ce, data, data_base64: 'e30=' }, 'data_base64'],
        [{ ...ce, data_base64: 'not json' }, 'data_base64'],
        [{ ...ce, time: 'tuesday', data }, 'time'],
        [{ ...ce, 'Bad-Name': 1, data }, 'Bad-Name'],
        [[ce], '(event)'],
      ];
      for (const [ev, field] of structuredBad) {
        const r = await enqueue(h, null, {
          headers: { 'content-type': 'application/cloudevents+json' },
          raw: JSON.stringify(ev),
        });
        assert.equal(r.status, 400, JSON.stringify(ev));
        assert.equal(r.json.field, field, JSON.stringify(r.json));
      }
      const missing = await enqueue(h, data, {
        headers: { 'ce-specversion': '1.0', 'ce-id': 'e-3', 'ce-type': ce.type },
      });
      assert.equal(missing.status, 400);
      assert.equal(missing.json.field, 'ce-source');
      const version = await enqueue(h, data, {
        headers: { 'ce-specversion': '2.0', 'ce-id': 'e-3', 'ce-type': ce.type, 'ce-source': '/x' },
      });
      assert.equal(version.status, 400);
      assert.equal(version.json.field, 'ce-specversion');
      const notJson = await enqueue(h, null, {
        headers: { 'content-type': 'application/cloudevents+json' },
        raw: '{"specversion": "1.0", "id": "secret-value-123"',
      });
      assert.equal(notJson.status, 400);
      assert.doesNotMatch(JSON.stringify(notJson.json), /secret-value-123/);
      const batch = await enqueue(h, null, {
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        raw: JSON.stringify([{ ...ce, data }]),
      });
      assert.equal(batch.status, 415);
    });

    it('auth: no token → 401, wrong token → 401, right token → 202', async () => {
      const body = { job: 'oo-calls', tenant: 'acme', from: iso(NOW - 200 * M), to: iso(NOW - 195 * M) };
      const none = await enqueue(h, body, { token: null });
      assert.equal(none.status, 401);
      assert.equal(none.json.error, 'unauthorized');
      const wrong = await enqueue(h, body, { token: 'test-token-0123456789abcdeX' });
      assert.equal(wrong.status, 401);
      const short = await enqueue(h, body, { token: 't' });
      assert.equal(short.status, 401);
      const basic = await enqueue(h, body, { token: null, headers: { authorization: 'Basic dGVzdA==' } });
      assert.equal(basic.status, 401);
      const res = await h.server.app.inject({ method: 'POST', url: '/events/enqueue', payload: body });
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="observebridge"');
      const right = await enqueue(h, body);
      assert.equal(right.status, 202);
      // nothing was enqueued by the rejected requests
      assert.deepEqual(right.json.counts, { inserted: 1, requeued: 0, existing: 0 });
    });

    it('huge, deeply nested and wrongly typed bodies are 4xx, never 5xx', async () => {
      const huge = await enqueue(h, null, { raw: JSON.stringify({ job: 'x'.repeat(70 * 1024) }) });
      assert.equal(huge.status, 413);
      const depth = 30_000;
      const deep = await enqueue(h, null, { raw: `{"job":${'['.repeat(depth)}${']'.repeat(depth)}}` });
      assert.equal(deep.status, 400);
      const deepData = await enqueue(h, null, {
        raw: `{"job":"oo-calls","tenant":"acme","from":0,"to":1,"x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
      });
      assert.equal(deepData.status, 400);
      for (const raw of ['null', '[]', '"text"', '42', 'true', '{"job":{"$gt":""}}', '{"__proto__":{"x":1}}']) {
        const r = await enqueue(h, null, { raw });
        assert.ok(r.status >= 400 && r.status < 500, `${raw} → ${r.status}`);
      }
      const text = await enqueue(h, null, { headers: { 'content-type': 'text/plain' }, raw: 'job=oo-calls' });
      assert.equal(text.status, 415);
      const empty = await enqueue(h, null, { raw: '' });
      assert.equal(empty.status, 400);
    });
  });
}

for (const driver of drivers()) {
  describe(`${driver}: over a real socket`, () => {
    let h: ApiHarness;
    before(async () => {
      h = await openApiHarness(driver);
    });
    after(() => h.close());

    it('listens on loopback, answers health, auth and enqueue over keep-alive HTTP, stops idempotently', async () => {
      const addr = await h.server.start('127.0.0.1:0');
      assert.equal(addr.host, '127.0.0.1');
      assert.ok(addr.port > 0);
      assert.deepEqual(await h.server.start('127.0.0.1:0'), addr, 'start twice: same server');
      const base = `http://127.0.0.1:${addr.port}`;
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      assert.match(health.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      const body = JSON.stringify({
        job: 'oo-calls',
        tenant: 'acme',
        from: iso(NOW - 300 * M),
        to: iso(NOW - 295 * M),
      });
      const denied = await fetch(`${base}/events/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(denied.status, 401);
      const ok = await fetch(`${base}/events/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body,
      });
      assert.equal(ok.status, 202);
      const metrics = await fetch(`${base}/metrics`);
      assert.match(await metrics.text(), /observebridge_window_lag_seconds\{job="oo-calls",tenant="acme"\}/);
      await h.server.stop();
      await h.server.stop();
      await assert.rejects(fetch(`${base}/healthz`));
      await assert.rejects(h.server.start('127.0.0.1:0'), /stopped/);
    });

    it('without a token: refuses a non-loopback bind; mutating requests need a loopback Host', async () => {
      const open = createApiServer({
        db: h.db,
        registry: h.registry,
        clock: h.clock,
        config: h.config,
        logger: silentLogger,
        metrics: createMetrics({ defaultMetrics: false }),
        token: null,
      });
      try {
        for (const where of ['0.0.0.0:0', '[::]:0', '10.1.2.3:0', 'example.com:0']) {
          await assert.rejects(open.start(where), (e: Error & { code?: string }) => {
            assert.equal(e.code, 'http_unsafe_listen');
            assert.match(e.message, /OBSERVEBRIDGE_API_TOKEN/);
            return true;
          });
        }
        assert.equal(open.address, undefined, 'nothing was bound');
        const fresh = createApiServer({
          db: h.db,
          registry: h.registry,
          clock: h.clock,
          config: h.config,
          logger: silentLogger,
          metrics: createMetrics({ defaultMetrics: false }),
          token: null,
        });
        const { port } = await fresh.start('127.0.0.1:0');
        const post = (host: string) =>
          new Promise<number>((resolve, reject) => {
            const req = request(
              {
                host: '127.0.0.1',
                port,
                method: 'POST',
                path: '/events/enqueue',
                headers: { host, 'content-type': 'application/json' },
              },
              (res) => {
                res.resume();
                resolve(res.statusCode ?? 0);
              },
            );
            req.on('error', reject);
            req.end(
              JSON.stringify({ job: 'oo-calls', tenant: 'acme', from: iso(NOW - 400 * M), to: iso(NOW - 395 * M) }),
            );
          });
        assert.equal(await post('evil.example:80'), 403, 'DNS rebinding: a foreign Host is refused');
        assert.equal(await post(`127.0.0.1:${port}`), 202);
        assert.equal(await post(`localhost:${port}`), 202);
        await fresh.stop();
      } finally {
        await open.stop();
      }
    });

    it('a failing query is a generic 500 with the request id; the details go to the log only', async () => {
      const lines: string[] = [];
      const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
      const broken = new Proxy(h.db, {
        get(target, prop, receiver) {
          if (prop === 'query')
            return async () => {
              throw new Error('relation "etl_job_run" does not exist: SELECT password FROM secrets');
            };
          return Reflect.get(target, prop, receiver) as unknown;
        },
      });
      const s = createApiServer({
        db: broken,
        registry: h.registry,
        clock: h.clock,
        config: h.config,
        logger,
        metrics: createMetrics({ defaultMetrics: false }),
        token: TOKEN,
      });
      const res = await s.app.inject({
        method: 'GET',
        url: '/api/runs?tenant=acme',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(res.statusCode, 500);
      const body = res.json() as Record<string, string>;
      assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'request_id']);
      assert.equal(body.request_id, res.headers['x-request-id']);
      assert.doesNotMatch(res.body, /SELECT|secrets|etl_job_run/);
      assert.ok(
        lines.some((l) => l.includes(body.request_id!) && l.includes('SELECT password')),
        'logged with the id',
      );
      const ready = await s.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.doesNotMatch(ready.body, /SELECT/);
      const scrape = await s.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(scrape.statusCode, 200, 'a scrape survives a database failure');
      assert.match(scrape.body, /observebridge_metrics_collect_errors_total 1/);
      await s.stop();
    });
  });
}
