/**
 * The LLM planner against a local OpenAI-compatible stand-in: output that validates against the
 * ChangePlan schema is stored and moves the case on; anything else is rejected and recorded on the
 * timeline, never stored as a plan.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../../src/db/types.js';
import type { OpsAgent } from '../../../src/ops/agent.js';
import { getCase, timeline } from '../../../src/ops/store.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { startLlmStandin, type LlmStandin } from '../../helpers/llm-standin.js';
import { count, opsAgent } from '../../helpers/ops.js';

const GOOD = {
  title: 'scale orders-db readers',
  risk_score: 0.2,
  steps: [{ action: 'noop', params: { note: 'look first' }, timeout_s: 30, retry: 1 }],
  rollback: { steps: [] },
  verify: { windows: 2, checks: [{ scope: 'tenant', p95_ms_max: 800, err_rate_max: 0.05 }] },
};

for (const driver of drivers()) {
  describe(`${driver}: ops LLM planner (OpenAI-compatible stand-in)`, () => {
    let t: TestDb;
    let db: Db;
    let llm: LlmStandin;
    let agent: OpsAgent;
    before(async () => {
      t = await openTestDb(driver);
      db = t.db;
      llm = await startLlmStandin();
      agent = opsAgent(db, { planner: { llm: { url: llm.url, model: 'standin-1', timeout: '5s' } } }).agent;
      await agent.start();
    });
    after(async () => {
      await agent.stop();
      await llm.close();
      await t.close();
    });

    async function analyzing(): Promise<string> {
      const id = String((await agent.createCase({ tenant: 'acme', title: 'orders-db slow' })).body.data);
      await agent.transition({ caseId: id, event: 'start_analysis' });
      return id;
    }

    it('stores a valid ChangePlan (origin llm:<model>) and the Orchestrator moves the case to WAIT_GATE', async () => {
      const id = await analyzing();
      llm.reply({ content: '```json\n' + JSON.stringify(GOOD) + '\n```' });
      const a = await agent.generatePlan({ caseId: id, planner: 'llm' });
      assert.equal(a.status, 201, JSON.stringify(a.body));
      await agent.settle();
      assert.equal((await getCase(db, id))?.status, 'WAIT_GATE');
      const p = await db.query<{ plan: unknown; origin: string }>(
        'SELECT plan, origin FROM plan_proposed WHERE case_id = $1',
        [id],
      );
      assert.deepEqual(p.rows, [{ plan: GOOD, origin: 'llm:standin-1' }]);
      const req = llm.requests.at(-1)!;
      assert.equal(req.model, 'standin-1');
      const messages = req.messages as { role: string; content: string }[];
      assert.match(messages[0]!.content, /"title":"ChangePlan"/, 'the schema is in the system prompt');
      assert.match(messages[1]!.content, /orders-db slow/);
    });

    it('rejects output that breaks the schema, records why on the timeline, stores no plan', async () => {
      const cases: { reply: Parameters<LlmStandin['reply']>[0]; error: RegExp }[] = [
        {
          reply: { content: JSON.stringify({ ...GOOD, steps: [{ action: 'rm -rf /', timeout_s: 1, retry: 9 }] }) },
          error: /\/steps\/0\/action/,
        },
        {
          reply: { content: JSON.stringify({ title: 'no steps', rollback: {}, verify: {} }) },
          error: /required property 'steps'/,
        },
        { reply: { content: 'Sure! Here is my plan: scale it up.' }, error: /the message is not JSON/ },
        { reply: { status: 500, body: 'upstream exploded' }, error: /llm: HTTP 500/ },
      ];
      for (const c of cases) {
        const id = await analyzing();
        llm.reply(c.reply);
        const a = await agent.generatePlan({ caseId: id, planner: 'llm' });
        assert.equal(a.status, 422);
        assert.equal(a.body.error, 'plan_invalid');
        assert.match(JSON.stringify(a.body.problems), c.error);
        await agent.settle();
        assert.equal(await count(db, 'SELECT count(*) AS n FROM plan_proposed WHERE case_id = $1', [id]), 0);
        assert.equal((await getCase(db, id))?.status, 'ANALYZING');
        const note = (await timeline(db, id)).find((r) => r.event === 'plan_rejected');
        assert.ok(note, 'recorded');
        assert.equal(note.outcome, 'note');
        assert.match(JSON.stringify(note.meta.errors), c.error);
        assert.equal(note.meta.origin, 'llm:standin-1');
      }
    });

    it('without ops.planner.llm the llm planner is a clear 400', async () => {
      const { agent: plain } = opsAgent(db);
      const id = await analyzing();
      const a = await plain.generatePlan({ caseId: id, planner: 'llm' });
      assert.equal(a.status, 400);
      assert.equal(a.body.error, 'llm_not_configured');
    });
  });
}
