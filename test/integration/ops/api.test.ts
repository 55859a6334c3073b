/**
 * The seed's end-to-end demo (001 §9) over real HTTP, as curl sends it (`-d` → a form-encoded
 * Content-Type, no token: loopback), on summaries the real oo-calls job wrote from the mock source:
 * create → start_analysis → plan → gate → script → verify → CLOSED. Plus the HTTP edge: ETag and
 * If-Match, Idempotency-Key replays, body validation naming the field, a cross-site form refused,
 * and the §8 metrics on /metrics.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { drivers } from '../../helpers/db.js';
import { M, NOW, openApiHarness, type ApiHarness } from '../api/harness.js';

for (const driver of drivers()) {
  describe(`${driver}: ops HTTP API (seed §9 demo)`, () => {
    let h: ApiHarness;
    let base: string;
    const out = mkdtempSync(join(tmpdir(), 'ob-ops-out-'));
    before(async () => {
      h = await openApiHarness(driver, {
        token: null,
        tenants: ['acme'],
        configExtra: { ops: { executor: { dry_run: false, output_dir: out, script: { allow: ['echo'] } } } },
      });
      // Summaries to verify against: 30 minutes of acme's calls, written by the real job.
      h.clock.set(NOW - 30 * M);
      await h.schedule();
      h.clock.set(NOW);
      await h.schedule();
      await h.drain();
      const a = await h.server.start('127.0.0.1:0');
      base = `http://127.0.0.1:${a.port}`;
    });
    after(async () => {
      await h.close();
      rmSync(out, { recursive: true, force: true });
    });

    /** What `curl -X METHOD URL [-H ...] -d BODY` sends. */
    async function curl(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
      const res = await fetch(base + path, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }), ...headers },
        ...(body === undefined ? {} : { body }),
      });
      const text = await res.text();
      return {
        status: res.status,
        headers: res.headers,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads response fields freely
        json: JSON.parse(text) as Record<string, any>,
      };
    }

    it('runs the demo as written: an acme case goes NEW → … → CLOSED through the roles and the bus', async () => {
      const created = await curl('POST', '/case/create', '{"title":"p95 spike","tenant":"acme"}');
      assert.equal(created.status, 201);
      const CASE = created.json.data as string;
      assert.match(CASE, /^[0-9a-f-]{36}$/);

      const started = await curl(
        'PATCH',
        `/case/${CASE}/transition`,
        '{"event":"start_analysis","actor":"analyst@svc"}',
        {
          'Idempotency-Key': 'a1',
        },
      );
      assert.equal(started.status, 200);
      assert.equal(started.json.data.status, 'ANALYZING');
      assert.equal(started.headers.get('etag'), '"2"');

      const plan = await curl('POST', '/plan/generate', `{"case_id":"${CASE}","template":"k8s.rollout.canary"}`);
      assert.equal(plan.status, 201, JSON.stringify(plan.json));
      assert.deepEqual(plan.json.case, { id: CASE, status: 'WAIT_GATE', version: 4 });

      const gate = await curl('POST', '/gate/eval', `{"case_id":"${CASE}"}`);
      assert.equal(gate.status, 200);
      assert.equal(gate.json.data.outcome, 'approved');
      assert.equal(gate.json.case.status, 'EXECUTING');

      const exec = await curl('POST', '/adapter/exec', `{"case_id":"${CASE}","adapter":"script","script":"echo ok"}`);
      assert.equal(exec.status, 200, JSON.stringify(exec.json));
      assert.equal(exec.json.case.status, 'VERIFYING');
      const step = exec.json.data.steps[0];
      assert.equal(step.status, 'ok');
      assert.equal(readFileSync(new URL(step.output_ref), 'utf8'), 'ok\n', 'the output is referenced, in its file');

      const verify = await curl('POST', '/verify/run', `{"case_id":"${CASE}"}`);
      assert.equal(verify.status, 200);
      assert.equal(verify.json.data.passed, true, JSON.stringify(verify.json.data));
      assert.ok(verify.json.data.checks[0].windows.length >= 2);
      assert.deepEqual(verify.json.case, { id: CASE, status: 'CLOSED', version: 7 });

      const tl = await curl('GET', `/case/${CASE}/timeline`);
      const accepted = (tl.json.data as { outcome: string; event: string; to_status: string }[])
        .filter((r) => r.outcome === 'accepted')
        .map((r) => `${r.event}→${r.to_status}`);
      assert.deepEqual(accepted, [
        'create→NEW',
        'start_analysis→ANALYZING',
        'analysis_done→PLANNING',
        'plan_ready→WAIT_GATE',
        'gate_approved→EXECUTING',
        'exec_done→VERIFYING',
        'verify_pass→CLOSED',
      ]);
      const shown = await curl('GET', `/case/${CASE}`);
      assert.equal(shown.json.steps[0].output_bytes, 3);
      assert.ok(
        (shown.json.outbox as { published: boolean }[]).every((m) => m.published),
        'the relay published every row',
      );

      // Replaying step 2 with its key returns the first answer (v2), even though the case is CLOSED now.
      const replay = await curl(
        'PATCH',
        `/case/${CASE}/transition`,
        '{"event":"start_analysis","actor":"analyst@svc"}',
        {
          'Idempotency-Key': 'a1',
        },
      );
      assert.equal(replay.status, 200);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.json.data.version, 2);

      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(
        metrics,
        /observebridge_case_transition_total\{from="VERIFYING",to="CLOSED",event="verify_pass"\} 1/,
      );
      assert.match(metrics, /observebridge_idempotent_replay_total 1/);
      assert.match(metrics, /observebridge_outbox_publish_total\{topic="evt.case.transition.v1",status="ok"\} 6/);
      assert.match(metrics, /observebridge_adapter_step_latency_seconds_count\{action="script.exec",status="ok"\} 1/);
      assert.match(metrics, /observebridge_verify_latency_seconds_count\{outcome="pass"\} 1/);
    });

    it('If-Match: a stale ETag is 412 and counted; the right one applies', async () => {
      const CASE = (await curl('POST', '/case/create', '{"title":"x","tenant":"acme"}')).json.data as string;
      const stale = await curl('PATCH', `/case/${CASE}/transition`, '{"event":"start_analysis"}', {
        'If-Match': '"5"',
      });
      assert.equal(stale.status, 412);
      assert.equal(stale.json.current_version, 1);
      assert.ok(stale.json.request_id);
      const ok = await curl('PATCH', `/case/${CASE}/transition`, '{"event":"start_analysis"}', { 'If-Match': '"1"' });
      assert.equal(ok.status, 200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /observebridge_conflict_total\{reason="if_match"\} 1/);
    });

    it('validates bodies once at the edge, naming the field', async () => {
      const CASE = (await curl('POST', '/case/create', '{"title":"x","tenant":"acme"}')).json.data as string;
      const bad = await curl('PATCH', `/case/${CASE}/transition`, '{"event":"explode"}');
      assert.equal(bad.status, 400);
      assert.equal(bad.json.field, 'event');
      const missing = await curl('POST', '/case/create', '{"tenant":"acme"}');
      assert.equal(missing.status, 400);
      assert.equal(missing.json.field, 'title');
      const notJson = await curl('POST', '/case/create', 'title=x&tenant=acme');
      assert.equal(notJson.status, 400);
      assert.equal(notJson.json.error, 'invalid_json');
      const badId = await curl('GET', '/case/not-a-uuid');
      assert.equal(badId.status, 400);
      assert.equal(badId.json.field, 'params.id');
      const gateTooEarly = await curl('POST', '/gate/eval', `{"case_id":"${CASE}"}`);
      assert.equal(gateTooEarly.status, 409);
      assert.equal(gateTooEarly.json.error, 'case_not_waiting');
    });

    it('refuses a form-encoded body from another site (CSRF), and form bodies on other routes', async () => {
      const cross = await curl('POST', '/case/create', '{"title":"x","tenant":"acme"}', {
        origin: 'https://evil.example',
      });
      assert.equal(cross.status, 415);
      const enqueue = await curl('POST', '/events/enqueue', '{"job":"oo-calls","tenant":"acme","from":0,"to":1}');
      assert.equal(enqueue.status, 415);
      const json = await fetch(`${base}/case/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"title":"x","tenant":"acme"}',
      });
      assert.equal(json.status, 201);
    });
  });
}
