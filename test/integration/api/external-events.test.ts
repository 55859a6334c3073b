import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { drivers } from '../../helpers/db.js';
import { alert, postEvents, webhook } from './external-events-fixtures.js';
import { getJson, iso, M, NOW, openApiHarness, TOKEN, type ApiHarness } from './harness.js';

type Ev = Record<string, unknown> & { event_id: string; status: string; labels: Record<string, unknown> };

async function eventOf(h: ApiHarness, id: string, tenant = 'globex'): Promise<Ev> {
  const r = await getJson(h, `/api/events/${id}?tenant=${tenant}`);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.event as Ev;
}

async function evidenceOf(
  h: ApiHarness,
  id: string,
): Promise<{ dim: string; ref_pg: unknown; note: string; locator: unknown }[]> {
  const r = await getJson(h, `/api/events/${id}/evidence?tenant=globex`);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.evidence as { dim: string; ref_pg: unknown; note: string; locator: unknown }[];
}

for (const driver of drivers()) {
  describe(`POST /api/events (${driver})`, () => {
    let h: ApiHarness;
    before(async () => {
      h = await openApiHarness(driver, { jobs: () => [] });
    });
    after(() => h.close());

    it('an Alertmanager webhook: one event per alert, idempotent, resolved by the resolved notification', async () => {
      const other = alert({
        fingerprint: '00ff00ff00ff00ff',
        labels: { alertname: 'Disk', severity: 'warning', tenant: 'globex' },
      });
      const first = await postEvents(h, webhook([alert(), other]));
      assert.equal(first.status, 201, JSON.stringify(first.json));
      const created = first.json.created as string[];
      assert.equal(created.length, 2);
      const [a, b] = first.json.events as { event_id: string; action: string; external_id: string; tenant: string }[];
      assert.deepEqual(
        [a!.action, a!.external_id, a!.tenant, b!.external_id],
        ['created', 'a1b2c3d4e5f60718', 'globex', '00ff00ff00ff00ff'],
      );
      assert.deepEqual(created, [a!.event_id, b!.event_id]);
      let ev = await eventOf(h, a!.event_id);
      assert.equal(ev.source, 'alertmanager');
      assert.equal(ev.status, 'open');
      assert.equal(ev.severity, 'FATAL', 'severity=critical');
      assert.equal(ev.title, 'orders-db is slow');
      assert.equal(ev.summary, 'p95 above 200 ms');
      assert.equal(ev.first_seen, iso(NOW - 10 * M));
      assert.deepEqual((ev.labels as { labels: unknown }).labels, alert().labels);
      assert.equal((await eventOf(h, b!.event_id)).severity, 'WARN');
      const links = await evidenceOf(h, a!.event_id);
      assert.deepEqual(links.map((l) => [l.dim, l.ref_pg, l.note]).sort(), [
        ['link', { url: 'http://prometheus.example/graph?g0.expr=up' }, 'generatorURL'],
        ['link', { url: 'https://rb.example/db' }, 'runbook_url'],
      ]);

      // The same webhook again: the same events, nothing created, the same rows and links.
      const again = await postEvents(h, webhook([alert(), other]));
      assert.equal(again.status, 200);
      assert.deepEqual(again.json.created, []);
      assert.deepEqual(
        (again.json.events as { event_id: string; action: string }[]).map((e) => [e.event_id, e.action]),
        [
          [a!.event_id, 'updated'],
          [b!.event_id, 'updated'],
        ],
      );
      const same = await eventOf(h, a!.event_id);
      assert.deepEqual(same, ev);
      assert.equal((await evidenceOf(h, a!.event_id)).length, 2);

      // Resolved: resolved_at is the alert's endsAt.
      const end = iso(NOW - 2 * M);
      const res = await postEvents(h, webhook([alert({ status: 'resolved', endsAt: end })], { status: 'resolved' }));
      assert.equal(res.status, 200);
      assert.equal((res.json.events as { action: string }[])[0]!.action, 'resolved');
      ev = await eventOf(h, a!.event_id);
      assert.equal(ev.status, 'resolved');
      assert.equal(ev.resolved_at, end);
      // A late retry of the firing notification (same startsAt) does not reopen it.
      const late = await postEvents(h, webhook([alert()]));
      assert.equal((late.json.events as { action: string }[])[0]!.action, 'unchanged');
      assert.equal((await eventOf(h, a!.event_id)).status, 'resolved');
      // The alert firing again (a later startsAt) reopens the same event.
      const refire = await postEvents(h, webhook([alert({ startsAt: iso(NOW - M) })]));
      assert.equal((refire.json.events as { event_id: string }[])[0]!.event_id, a!.event_id);
      ev = await eventOf(h, a!.event_id);
      assert.deepEqual([ev.status, ev.flaps, ev.resolved_at, ev.first_seen], ['open', 1, null, iso(NOW - 10 * M)]);
    });

    it('the tenant comes from the query, else the alert label or commonLabels; conflicts and unknowns are 4xx', async () => {
      const noTenant = alert({ fingerprint: 'beef', labels: { alertname: 'X' } });
      let r = await postEvents(h, webhook([noTenant]));
      assert.equal(r.status, 400);
      assert.equal(r.json.field, 'tenant');
      r = await postEvents(h, webhook([noTenant]), { query: '?tenant=acme' });
      assert.equal(r.status, 201);
      assert.equal((r.json.events as { tenant: string }[])[0]!.tenant, 'acme');
      r = await postEvents(h, webhook([noTenant], { commonLabels: { tenant: 'acme' } }));
      assert.equal(r.status, 200, 'same alert, same tenant: updated');
      r = await postEvents(h, webhook([alert()]), { query: '?tenant=acme' });
      assert.equal(r.status, 400);
      assert.equal(r.json.field, 'alerts[0].labels.tenant');
      r = await postEvents(h, webhook([alert({ labels: { tenant: 'nope' } })]));
      assert.equal(r.status, 404);
      assert.equal(r.json.error, 'unknown_tenant');
      // Nothing of a rejected request is written.
      const before = (await getJson(h, '/api/events?tenant=acme')).json.events as unknown[];
      r = await postEvents(
        h,
        webhook([alert({ fingerprint: 'c0ffee', labels: { tenant: 'acme' } }), alert({ labels: { tenant: 'nope' } })]),
      );
      assert.equal(r.status, 404);
      assert.equal(((await getJson(h, '/api/events?tenant=acme')).json.events as unknown[]).length, before.length);
    });

    it('a CloudEvent (structured and binary) with its own evidence refs, updated and resolved by key', async () => {
      const loc = await h.db.query<{ id: unknown }>(
        `INSERT INTO oo_locator (tenant_id, dataset, bucket, object_key, t_from, t_to, query_hint)
         VALUES ($1, 'logs', 'b', 'logs', $2, $3, 'SELECT * FROM "logs"') RETURNING id`,
        [h.tenants[1]!.id, new Date(NOW - 5 * M), new Date(NOW)],
      );
      const foreign = await h.db.query<{ id: unknown }>(
        `INSERT INTO oo_locator (tenant_id, dataset, bucket, object_key, t_from, t_to) VALUES ($1, 'logs', 'b', 'x', $2, $3) RETURNING id`,
        [h.tenants[0]!.id, new Date(NOW - 5 * M), new Date(NOW)],
      );
      const evidence = [
        {
          ref_pg: { table: 'service_call_5m', keys: { bucket: iso(NOW - 5 * M), src: 'a', dst: 'b' } },
          note: 'slow edge',
        },
        { ref_oo: Number(loc.rows[0]!.id), dim: 'log' },
        { url: 'https://ci.example/deploy/42' },
      ];
      const ce = (data: Record<string, unknown>, id = 'ce-1') => ({
        specversion: '1.0',
        id,
        source: '//ci.example/deployer',
        type: 'com.example.deploy',
        time: iso(NOW - 3 * M),
        data: { tenant: 'globex', key: 'deploy-42', title: 'deploy 42 failed', severity: 'ERROR', evidence, ...data },
      });
      const ctype = { 'content-type': 'application/cloudevents+json' };
      let r = await postEvents(h, ce({}), { headers: ctype });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      const id = (r.json.created as string[])[0]!;
      let ev = await eventOf(h, id);
      assert.deepEqual(
        [ev.source, ev.kind, ev.severity, ev.external_id],
        ['cloudevent', 'cloudevent', 'ERROR', '//ci.example/deployer#deploy-42'],
      );
      assert.equal(ev.first_seen, iso(NOW - 3 * M), 'started at the CloudEvent time');
      const links = await evidenceOf(h, id);
      assert.equal(links.length, 3);
      assert.ok(links.some((l) => l.dim === 'log' && (l.locator as { id: number }).id === Number(loc.rows[0]!.id)));
      assert.deepEqual(links.find((l) => l.note === 'slow edge')?.ref_pg, evidence[0]!.ref_pg, 'ref_pg as sent');

      // Another CloudEvent id, the same key: the same event, resolved (binary mode).
      const res = await h.server.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'ce-specversion': '1.0',
          'ce-id': 'ce-2',
          'ce-source': '//ci.example/deployer',
          'ce-type': 'com.example.deploy',
        },
        payload: JSON.stringify({
          tenant: 'globex',
          key: 'deploy-42',
          title: 'deploy 42 rolled back',
          status: 'resolved',
        }),
      });
      assert.equal(res.statusCode, 200, res.body);
      ev = await eventOf(h, id);
      assert.deepEqual([ev.status, ev.title, ev.resolved_at], ['resolved', 'deploy 42 rolled back', iso(NOW)]);
      assert.equal((await evidenceOf(h, id)).length, 3, 'links stay');

      // A locator of another tenant is refused, naming the ref.
      r = await postEvents(
        h,
        ce({ key: 'k2', evidence: [evidence[0], { ref_oo: Number(foreign.rows[0]!.id) }] }, 'ce-3'),
        {
          headers: ctype,
        },
      );
      assert.equal(r.status, 400);
      assert.equal(r.json.field, 'data.evidence[1].ref_oo');
    });

    it('wrong shapes are 400 naming the field; no token is 401', async () => {
      const cases: [unknown, string, Record<string, string>?][] = [
        [webhook([alert()], { version: '3' }), 'version'],
        [{ alerts: [alert()] }, 'version'],
        [webhook([alert({ status: 'pending' })]), 'alerts[0].status'],
        [webhook([alert({ startsAt: 'yesterday' })]), 'alerts[0].startsAt'],
        [webhook([alert({ labels: { tenant: 'globex', n: 5 } })]), 'alerts[0].labels.n'],
        [webhook([]), 'alerts'],
        [webhook([alert({ generatorURL: 'javascript:alert(1)' })]), 'alerts[0].generatorURL'],
        [[alert()], '(body)'],
        [
          { specversion: '1.0', source: 's', type: 't', data: { title: 'x', tenant: 'globex' } },
          'id',
          { 'content-type': 'application/cloudevents+json' },
        ],
        [
          { specversion: '1.0', id: 'i', source: 's', type: 't', data: { tenant: 'globex' } },
          'data.title',
          { 'content-type': 'application/cloudevents+json' },
        ],
        [
          {
            specversion: '1.0',
            id: 'i',
            source: 's',
            type: 't',
            data: { tenant: 'globex', title: 't', evidence: [{ note: 'n' }] },
          },
          'data.evidence[0].ref_pg',
          { 'content-type': 'application/cloudevents+json' },
        ],
        [
          { specversion: '1.0', id: 'i', source: 's', type: 't', data: { tenant: 'globex', title: 't', extra: 1 } },
          'data.extra',
          { 'content-type': 'application/cloudevents+json' },
        ],
      ];
      for (const [body, field, headers] of cases) {
        const r = await postEvents(h, body, headers ? { headers } : {});
        assert.equal(r.status, 400, `${field}: ${JSON.stringify(r.json)}`);
        assert.equal(r.json.field, field, JSON.stringify(r.json));
      }
      const r = await postEvents(h, webhook([alert()]), { token: null });
      assert.equal(r.status, 401);
      const wrong = await postEvents(h, webhook([alert()]), { token: 'wrong-token-wrong-token' });
      assert.equal(wrong.status, 401);
    });
  });
}
