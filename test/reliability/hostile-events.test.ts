/**
 * Scenario 6b — hostile event bodies and rule text (issue 14). Text carrying quotes, SQL and Cypher
 * fragments and unusual Unicode, posted to POST /api/events as an Alertmanager webhook and as a
 * CloudEvent, is read back verbatim; what PostgreSQL cannot hold verbatim (NUL, lone surrogates) and
 * wrong shapes are 400 naming the field; a body over the route's limit is 413. No 5xx, and every
 * table is still there. In the config, a rule with hostile text is reported with its path while the
 * other rules load, and a rule whose title carries the fragments writes them verbatim into its event.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXTERNAL_EVENTS_BODY_LIMIT, MAX_ALERTS } from '../../src/api/external-events.js';
import { RuleBook } from '../../src/rules/book.js';
import { rulesJob } from '../../src/jobs/rules.js';
import { drivers, openTestDb } from '../helpers/db.js';
import { seedTenants } from '../helpers/job-harness.js';
import { alert, postEvents, webhook } from '../integration/api/external-events-fixtures.js';
import { getJson, openApiHarness, TOKEN, type ApiHarness } from '../integration/api/harness.js';
import { callRow, events, M, resource, runRules, sketchOf, T0 } from '../integration/rules/fixtures.js';

const HOSTILE = [
  `'; DROP TABLE event_envelope; --`,
  `$$; DROP TABLE evidence_link; $$`,
  `"dq" 'sq' \`bt\` ; semi \\ back`,
  `}) MATCH (n) DETACH DELETE n //`,
  `MATCH (a)-[r]->(b) WITH a CALL db.labels() YIELD label RETURN label`,
  `$1 $tag$ x $tag$ %s %n {0}`,
  `emoji 🔥🧯 CJK 订单数据库 RTL مرحبا combining é zero-width a\u200bb line\u2028sep`,
  `<script>alert('x')</script> &amp; \r\n\t tab`,
];

async function tablesExist(h: ApiHarness): Promise<void> {
  for (const table of ['event_envelope', 'evidence_link', 'dim_tenant']) {
    await h.db.query(`SELECT count(*) FROM ${table}`);
  }
}

for (const driver of drivers()) {
  describe(`hostile event bodies (${driver})`, () => {
    let h: ApiHarness;
    before(async () => {
      h = await openApiHarness(driver, { jobs: () => [] });
    });
    after(() => h.close());

    it('text with quotes, SQL/Cypher fragments and Unicode is stored verbatim', async () => {
      for (const [i, s] of HOSTILE.entries()) {
        const labels = { tenant: 'globex', alertname: s, [`k${i}${s.slice(0, 20)}`]: s };
        const r = await postEvents(
          h,
          webhook([alert({ fingerprint: `f${i}`, labels, annotations: { summary: s, description: s } })]),
        );
        assert.equal(r.status, 201, `${JSON.stringify(s)}: ${JSON.stringify(r.json)}`);
        const id = (r.json.created as string[])[0]!;
        const ev = (await getJson(h, `/api/events/${id}?tenant=globex`)).json.event as Record<string, unknown>;
        assert.equal(ev.title, s);
        assert.equal(ev.summary, s);
        assert.deepEqual((ev.labels as { labels: unknown }).labels, labels);

        const ce = await postEvents(
          h,
          {
            specversion: '1.0',
            id: s,
            source: s,
            type: 'x.hostile',
            data: {
              tenant: 'globex',
              title: s,
              summary: s,
              labels: { [s]: s },
              evidence: [{ ref_pg: { table: 'service_call_5m', keys: { [s]: s } }, note: s }],
            },
          },
          { headers: { 'content-type': 'application/cloudevents+json' } },
        );
        assert.equal(ce.status, 201, `${JSON.stringify(s)}: ${JSON.stringify(ce.json)}`);
        const cid = (ce.json.created as string[])[0]!;
        const cev = (await getJson(h, `/api/events/${cid}?tenant=globex`)).json.event as Record<string, unknown>;
        assert.deepEqual([cev.title, cev.summary, cev.external_id], [s, s, `${s}#${s}`]);
        assert.deepEqual((cev.labels as { labels: unknown }).labels, { [s]: s });
        const links = (await getJson(h, `/api/events/${cid}/evidence?tenant=globex`)).json.evidence as {
          ref_pg: unknown;
          note: string;
        }[];
        assert.deepEqual(
          links.map((l) => [l.ref_pg, l.note]),
          [[{ table: 'service_call_5m', keys: { [s]: s } }, s]],
        );
      }
      await tablesExist(h);
      const n = await h.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM event_envelope`);
      assert.equal(Number(n.rows[0]!.n), 2 * HOSTILE.length);
    });

    it('NUL, lone surrogates, wrong types and nesting are 400 naming the field', async () => {
      const raw = (body: string) => postEvents(h, null, { raw: body });
      const cases: [Promise<{ status: number; json: Record<string, unknown> }>, string][] = [
        [postEvents(h, webhook([alert({ annotations: { summary: 'a\u0000b' } })])), 'alerts[0].annotations.summary'],
        [postEvents(h, webhook([alert({ labels: { tenant: 'globex', 'k\u0000': 'v' } })])), 'alerts[0].labels.k\u0000'],
        [
          raw(JSON.stringify(webhook([alert()])).replace('orders-db is slow', 'half \\ud800 pair')),
          'alerts[0].annotations.summary',
        ],
        [
          postEvents(h, webhook([alert({ labels: { tenant: 'globex', nested: { a: 1 } } })])),
          'alerts[0].labels.nested',
        ],
        [postEvents(h, webhook([alert({ fingerprint: `'; DROP TABLE x; --` })])), 'alerts[0].fingerprint'],
        [postEvents(h, webhook([alert()]), { query: `?tenant=${encodeURIComponent('x'.repeat(65))}` }), 'query.tenant'],
        [postEvents(h, webhook(Array.from({ length: MAX_ALERTS + 1 }, () => alert()))), 'alerts'],
        [
          postEvents(
            h,
            { specversion: '1.0', id: 'i', source: 's', type: 't', data: { tenant: 'globex', title: 'x\u0000' } },
            { headers: { 'content-type': 'application/cloudevents+json' } },
          ),
          'data.title',
        ],
        [
          postEvents(
            h,
            { specversion: '1.0', id: 'i\u0000', source: 's', type: 't', data: { tenant: 'globex', title: 'x' } },
            { headers: { 'content-type': 'application/cloudevents+json' } },
          ),
          'id',
        ],
      ];
      for (const [p, field] of cases) {
        const r = await p;
        assert.equal(r.status, 400, `${JSON.stringify(field)}: ${JSON.stringify(r.json)}`);
        assert.equal(r.json.field, field, JSON.stringify(r.json));
      }
      await tablesExist(h);
    });

    it('a body over the limit is 413; just under it is accepted; other routes keep their own limit', async () => {
      const big = 'x'.repeat(8000);
      const alerts = (n: number) =>
        Array.from({ length: n }, (_, i) =>
          alert({
            fingerprint: `b${i}`,
            annotations: Object.fromEntries([...Array(10).keys()].map((k) => [`a${k}`, big])),
          }),
        );
      const over = JSON.stringify(webhook(alerts(14)));
      assert.ok(over.length > EXTERNAL_EVENTS_BODY_LIMIT);
      let r = await postEvents(h, null, { raw: over });
      assert.equal(r.status, 413);
      assert.equal(r.json.error, 'body_too_large');
      const under = JSON.stringify(webhook(alerts(12)));
      assert.ok(under.length < EXTERNAL_EVENTS_BODY_LIMIT && under.length > 64 * 1024);
      r = await postEvents(h, null, { raw: under });
      assert.equal(r.status, 201, JSON.stringify(r.json).slice(0, 300));
      assert.equal((r.json.created as string[]).length, 12);
      const ack = await h.server.app.inject({
        method: 'POST',
        url: `/api/events/${(r.json.created as string[])[0]}/ack`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        payload: JSON.stringify({ tenant: 'globex', note: 'n'.repeat(100 * 1024) }),
      });
      assert.equal(ack.statusCode, 413, 'the ack keeps the 64 KiB default');
    });
  });

  describe(`hostile rule text (${driver})`, () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'ob-hostile-rules-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('a broken rule is reported with its path, the others load, fragments reach the event verbatim', async () => {
      const frag = HOSTILE.slice(0, 4).join(' | ');
      const rules = [
        {
          id: 'hostile-title',
          table: 'service_call_5m',
          group_by: ['src', 'dst'],
          kind: 'threshold',
          value: { agg: 'ratio', num: 'errors', den: 'calls' },
          when: { op: '>=', value: 0.2 },
          title: `${frag} {{dst}}`,
          summary: frag,
          description: frag,
        },
        { id: `'; DROP TABLE event_envelope; --`, table: 'service_call_5m', kind: 'threshold' },
        {
          id: 'bad-field',
          table: 'service_call_5m',
          group_by: [`dst'); MATCH (n) DETACH DELETE n //`],
          kind: 'threshold',
          value: { agg: 'count' },
          when: { op: '>=', value: 1 },
        },
        {
          id: 'ok-after',
          table: 'metric_1m',
          kind: 'threshold',
          value: { agg: 'max', field: 'max' },
          when: { op: '>=', value: 1e9 },
        },
      ];
      const file = join(dir, 'config.yaml');
      // JSON is YAML: the fragments go into the file exactly as written.
      writeFileSync(file, `tenants: [{ code: h, source: { kind: mock } }]\nrules: ${JSON.stringify(rules)}\n`);
      const book = new RuleBook({ configPath: file });
      const r = book.reload();
      assert.deepEqual(r.rules, ['hostile-title', 'ok-after']);
      assert.ok(
        r.problems.some((p) => p.startsWith('rules[1].id:')),
        r.problems.join('\n'),
      );
      assert.ok(
        r.problems.some((p) => p.startsWith('rules[2].group_by[0]:')),
        r.problems.join('\n'),
      );
      assert.ok(!r.problems.some((p) => p.includes('DROP TABLE')), 'problems name the path, not the text');

      const t = await openTestDb(driver);
      try {
        const tenant = (await seedTenants(t.db, ['h']))[0]!;
        const src = await resource(t.db, tenant.id, 'urn:k8s:svc:shop/a', 'k8s_service', 'a');
        const dst = await resource(t.db, tenant.id, `urn:db:postgres:x/it's`, 'database', 'y');
        await callRow(t.db, tenant.id, T0, src, dst, 100, 50, sketchOf(100, 5));
        await runRules(t.db, rulesJob(book) as never, tenant, T0 + 5 * M);
        const ev = await events(t.db, tenant.id);
        assert.equal(ev.length, 1);
        assert.equal(ev[0]!.title, `${frag} urn:db:postgres:x/it's`);
        await t.db.query('SELECT count(*) FROM event_envelope');
      } finally {
        await t.close();
      }
    });
  });
}
