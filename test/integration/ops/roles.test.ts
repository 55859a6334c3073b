/**
 * The roles behind the Orchestrator, through the database and the bus: the Gatekeeper's policy
 * outcomes, the Executor's adapters (script.exec for real and dry-run, allow-list, timeout, retries;
 * a webhook on a local HTTP server), the Verifier on service_call_5m rows, and a case driven
 * unattended (ops.auto_drive) from an event with an edge to CLOSED — in-process, and over NATS.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OpsAgent } from '../../../src/ops/agent.js';
import { getCase, stepsOf, timeline } from '../../../src/ops/store.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { deleteStream, natsNames, natsUrl } from '../../helpers/nats.js';
import { EDGE, OPS_NOW, count, opsAgent, seedEdge } from '../../helpers/ops.js';

const nats = await natsUrl();

async function toState(
  agent: OpsAgent,
  tenant: string,
  template: string,
  source: Record<string, unknown> = {},
): Promise<string> {
  const id = String((await agent.createCase({ tenant, title: 'edge slow', source })).body.data);
  await agent.transition({ caseId: id, event: 'start_analysis' });
  const p = await agent.generatePlan({ caseId: id, template });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  await agent.settle();
  await agent.evaluateGate(id);
  await agent.settle();
  return id;
}

for (const driver of drivers()) {
  describe(`${driver}: ops roles`, () => {
    let t: TestDb;
    let out: string;
    let hook: Server;
    let hookUrl: string;
    const received: Record<string, unknown>[] = [];
    let hookStatus = 200;
    before(async () => {
      t = await openTestDb(driver);
      out = mkdtempSync(join(tmpdir(), 'ob-ops-roles-'));
      hook = createServer((req, res) => {
        let b = '';
        req.on('data', (d: Buffer) => (b += d.toString()));
        req.on('end', () => {
          received.push(JSON.parse(b) as Record<string, unknown>);
          res.writeHead(hookStatus, { 'content-type': 'application/json' }).end('{"rolled":true}');
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/rollout`;
    });
    after(async () => {
      await t.close();
      await new Promise((r) => hook.close(r));
      rmSync(out, { recursive: true, force: true });
    });

    it('gate: a forbidden action parks the case; a risky plan waits for a human, whose approval needs a name', async () => {
      const { agent } = opsAgent(t.db, {
        gatekeeper: { tenants: { locked: { allowed_actions: ['noop'] } } },
        executor: { output_dir: out },
      });
      const parked = await toState(agent, 'locked', 'dependency_slow');
      assert.equal((await getCase(t.db, parked))?.status, 'PARKED');
      const tl = await timeline(t.db, parked);
      assert.match(String(tl.find((r) => r.event === 'gate_rejected')?.reason), /not allowed for tenant locked/);

      const waiting = await toState(agent, 'acme', 'error_rate_high');
      assert.equal((await getCase(t.db, waiting))?.status, 'WAIT_GATE', 'risk 0.6 is not auto-approved');
      const anon = await agent.transition({ caseId: waiting, event: 'gate_approved' });
      assert.equal(anon.status, 422);
      assert.match(String(anon.body.message), /needs a human approval/);
      const ok = await agent.transition({
        caseId: waiting,
        event: 'gate_approved',
        actor: 'alice',
        meta: { approver: 'alice' },
      });
      assert.equal(ok.status, 200);
      assert.equal((await getCase(t.db, waiting))?.status, 'EXECUTING');
    });

    it('executor: script.exec runs an allow-listed program, keeps a reference to its output, not the output', async () => {
      const { agent } = opsAgent(t.db, {
        executor: { dry_run: false, output_dir: out, script: { allow: ['echo', 'sleep', 'false'] }, retry_delay: '1s' },
      });
      const id = await toState(agent, 'acme', 'noop.check');
      const long = 'x'.repeat(5000);
      const a = await agent.execute({
        caseId: id,
        step: { action: 'script.exec', params: { command: 'echo', args: [long] } },
      });
      assert.equal(a.status, 200, JSON.stringify(a.body));
      await agent.settle();
      const [step] = await stepsOf(t.db, id);
      assert.equal(step!.status, 'ok');
      assert.equal(step!.output_bytes, 5001);
      assert.equal(String(step!.output_head).length, 1024, 'only the head is in the row');
      assert.equal(readFileSync(new URL(String(step!.output_ref)), 'utf8'), long + '\n');
      assert.equal((await getCase(t.db, id))?.status, 'VERIFYING');
    });

    it('executor: not allow-listed → refused once; a timeout and a failing command are retried per the step, then PARKED', async () => {
      const { agent } = opsAgent(t.db, {
        executor: { dry_run: false, output_dir: out, script: { allow: ['sleep', 'false'] }, retry_delay: '1s' },
      });
      const refused = await toState(agent, 'acme', 'noop.check');
      await agent.execute({
        caseId: refused,
        step: { action: 'script.exec', params: { command: 'rm -rf /tmp/nothing' }, retry: 2 },
      });
      await agent.settle();
      const s1 = await stepsOf(t.db, refused);
      assert.deepEqual(
        s1.map((s) => s.status),
        ['refused'],
        'a refusal is not retried',
      );
      assert.match(String(s1[0]!.error), /'rm' is not in executor.script.allow/);
      assert.equal((await getCase(t.db, refused))?.status, 'PARKED');

      const slow = await toState(agent, 'acme', 'noop.check');
      await agent.execute({
        caseId: slow,
        step: { action: 'script.exec', params: { command: 'sleep 5' }, timeout_s: 1, retry: 1 },
      });
      await agent.settle();
      assert.deepEqual(
        (await stepsOf(t.db, slow)).map((s) => [s.attempt, s.status]),
        [
          [1, 'timeout'],
          [2, 'timeout'],
        ],
      );
      assert.equal((await getCase(t.db, slow))?.status, 'PARKED');

      const failing = await toState(agent, 'acme', 'noop.check');
      await agent.execute({ caseId: failing, step: { action: 'script.exec', params: { command: 'false' }, retry: 2 } });
      await agent.settle();
      assert.deepEqual(
        (await stepsOf(t.db, failing)).map((s) => [s.attempt, s.status, s.exit_code]),
        [
          [1, 'failed', 1],
          [2, 'failed', 1],
          [3, 'failed', 1],
        ],
      );
      // The resume path: PARKED → PLANNING, a new plan, and on.
      assert.equal(
        (await agent.transition({ caseId: failing, event: 'resume', reason: 'fixed the script' })).status,
        200,
      );
    });

    it('executor: dry-run (the default) runs nothing; the webhook adapter POSTs the step and retries a failure', async () => {
      const dry = opsAgent(t.db, { executor: { output_dir: out, script: { allow: ['echo'] } } }).agent;
      const id = await toState(dry, 'acme', 'noop.check');
      await dry.execute({ caseId: id, step: { action: 'script.exec', params: { command: 'echo hi' } } });
      const [s] = await stepsOf(t.db, id);
      assert.equal(s!.status, 'dry_run');
      assert.match(String(s!.output_head), /dry-run: would run \["echo","hi"\]/);

      const { agent } = opsAgent(t.db, {
        executor: { dry_run: false, output_dir: out, webhooks: { 'k8s.rollout': { url: hookUrl } }, retry_delay: '1s' },
      });
      const c = await toState(agent, 'acme', 'k8s.rollout.canary');
      received.length = 0;
      hookStatus = 500;
      setTimeout(() => (hookStatus = 200), 300); // the retry after retry_delay succeeds
      const a = await agent.execute({ caseId: c });
      assert.equal(a.status, 200, JSON.stringify(a.body));
      await agent.settle();
      const steps = await stepsOf(t.db, c);
      assert.deepEqual(
        steps.map((x) => [x.step_index, x.attempt, x.action, x.status]),
        [
          [0, 1, 'noop', 'ok'],
          [1, 1, 'k8s.rollout', 'failed'],
          [1, 2, 'k8s.rollout', 'ok'],
        ],
      );
      assert.equal(received.length, 2);
      assert.deepEqual(
        { action: received[1]!.action, params: received[1]!.params, case_id: received[1]!.case_id },
        {
          action: 'k8s.rollout',
          params: { strategy: 'canary', target: 'acme', weight: 10 },
          case_id: c,
        },
      );
      assert.equal((await getCase(t.db, c))?.status, 'VERIFYING');
    });

    it("verifier: the edge's p95/err_rate under threshold for N windows → CLOSED; over → PARKED; no data → PARKED", async () => {
      const { agent } = opsAgent(t.db, { executor: { output_dir: out } });
      const source = { kind: 'latency', edge: EDGE };
      const run = async (tenant: string): Promise<{ id: string; passed: boolean; reason: string }> => {
        const id = await toState(agent, tenant, 'dependency_slow', source);
        await agent.execute({ caseId: id });
        await agent.settle();
        const v = await agent.verify(id);
        await agent.settle();
        const data = v.body.data as { passed: boolean; checks: { reason: string }[] };
        return { id, passed: data.passed, reason: data.checks[0]!.reason };
      };
      await seedEdge(t.db, 'healthy', OPS_NOW, [
        { p95: 120, errRate: 0.01 },
        { p95: 140, errRate: 0.0 },
      ]);
      const ok = await run('healthy');
      assert.deepEqual([ok.passed, ok.reason], [true, '2 windows under threshold']);
      assert.equal((await getCase(t.db, ok.id))?.status, 'CLOSED');

      await seedEdge(t.db, 'sick', OPS_NOW, [
        { p95: 120, errRate: 0.01 },
        { p95: 900, errRate: 0.2 },
      ]);
      const bad = await run('sick');
      assert.equal(bad.passed, false);
      assert.match(bad.reason, /1 of 2 windows over threshold/);
      assert.equal((await getCase(t.db, bad.id))?.status, 'PARKED');

      const none = await run('empty');
      assert.match(none.reason, /only 0 of 2 windows have data/);
      assert.equal((await getCase(t.db, none.id))?.status, 'PARKED');
    });

    const buses: { name: string; bus: () => Promise<Record<string, unknown> | undefined> }[] = [
      { name: 'in-process bus', bus: async () => ({}) },
      {
        name: 'NATS JetStream',
        bus: async () =>
          nats ? { bus: { kind: 'nats', url: nats, ...toNats(natsNames(`roles_${driver}`)) } } : undefined,
      },
    ];
    for (const b of buses) {
      it(`auto_drive over the ${b.name}: an event with an edge runs to CLOSED unattended; a republished message moves nothing`, async (tc) => {
        const extra = await b.bus();
        if (!extra) return tc.skip('no NATS server (NATS_URL or 127.0.0.1:4222)');
        const tenant = `auto${b.name.length}`;
        await seedEdge(t.db, tenant, OPS_NOW, [
          { p95: 100, errRate: 0 },
          { p95: 110, errRate: 0 },
        ]);
        const { agent, metrics } = opsAgent(t.db, {
          auto_drive: true,
          executor: { output_dir: out },
          relay: { poll: '100ms' },
          ...extra,
        });
        await agent.start();
        try {
          const id = String(
            (
              await agent.createCase({
                tenant,
                title: 'checkout → orders slow',
                source: { kind: 'latency', edge: EDGE },
              })
            ).body.data,
          );
          await agent.transition({ caseId: id, event: 'start_analysis', actor: 'analyst' });
          const until = Date.now() + 30_000;
          while ((await getCase(t.db, id))?.status !== 'CLOSED' && Date.now() < until)
            await new Promise((r) => setTimeout(r, 100));
          assert.equal(
            (await getCase(t.db, id))?.status,
            'CLOSED',
            JSON.stringify((await timeline(t.db, id)).map((r) => [r.event, r.outcome, r.reason])),
          );
          const version = (await getCase(t.db, id))!.version;
          // Publish the case's messages again (as after a relay crash): consumers dedupe them.
          await t.db.query(`UPDATE outbox SET published_at = NULL WHERE payload->>'case_id' = $1`, [id]);
          assert.ok(await agent.settle(20_000));
          if (b.name === 'NATS JetStream') await new Promise((r) => setTimeout(r, 500));
          assert.equal((await getCase(t.db, id))!.version, version, 'nothing moved twice');
          assert.equal(await count(t.db, 'SELECT count(*) AS n FROM plan_proposed WHERE case_id = $1', [id]), 1);
          // In-process every republished message reaches the consumers, which skip it by id. (JetStream
          // drops a repeat inside its duplicate window before any consumer; the crash test covers the
          // redeliveries that get through.)
          if (b.name === 'in-process bus')
            assert.match(await metrics.text(), /observebridge_inbox_dedup_total\{consumer="orchestrator"\} [1-9]/);
        } finally {
          await agent.stop();
          if (extra.bus) await deleteStream(nats!, (extra.bus as { stream: string }).stream);
        }
      });
    }
  });
}

function toNats(n: ReturnType<typeof natsNames>): Record<string, string> {
  return { stream: n.stream, subject_prefix: n.subjectPrefix, durable_prefix: n.durablePrefix };
}
