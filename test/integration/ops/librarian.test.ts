/**
 * The Librarian: a plan proposed for a case carries the knowledge base's top chunks for the case's
 * text (the demo runbooks here), and nothing when the knowledge base holds nothing relevant.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chunkSettings } from '../../../src/kb/config.js';
import { ingestKb } from '../../../src/kb/ingest.js';
import { kbLibrarian, type KnowledgeRef } from '../../../src/ops/librarian.js';
import type { OpsAgent } from '../../../src/ops/agent.js';
import { drivers, openTestDb, type TestDb } from '../../helpers/db.js';
import { opsAgent } from '../../helpers/ops.js';
import { repoRoot } from '../../helpers/paths.js';

for (const driver of drivers()) {
  describe(`${driver}: ops Librarian over the knowledge base`, () => {
    let t: TestDb;
    let agent: OpsAgent;
    before(async () => {
      t = await openTestDb(driver);
      const r = await ingestKb(t.db, [join(repoRoot, 'configs', 'demo', 'runbooks')], {
        tenantId: null,
        language: 'english',
        chunk: chunkSettings({}),
      });
      assert.equal(r.added, 3);
      agent = opsAgent(t.db, {}, { librarian: kbLibrarian(t.db, undefined) }).agent;
      await agent.start();
    });
    after(async () => {
      await agent.stop();
      await t.close();
    });

    async function planFor(title: string): Promise<Record<string, unknown>> {
      const id = String((await agent.createCase({ tenant: 'acme', title })).body.data);
      await agent.transition({ caseId: id, event: 'start_analysis' });
      const p = await agent.generatePlan({ caseId: id, template: 'dependency_slow' });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      const rows = await t.db.query<{ plan: Record<string, unknown> }>(
        'SELECT plan FROM plan_proposed WHERE case_id = $1',
        [id],
      );
      assert.equal(rows.rows.length, 1);
      return rows.rows[0]!.plan;
    }

    it("attaches the orders-db runbook first to an orders database case's plan", async () => {
      const plan = await planFor('orders database slow: p95 8x baseline');
      const knowledge = plan.knowledge as KnowledgeRef[] | undefined;
      assert.ok(knowledge && knowledge.length > 0 && knowledge.length <= 3, JSON.stringify(plan));
      assert.match(knowledge[0]!.source ?? '', /orders-db-slow\.md$/);
      assert.ok(knowledge.every((k) => k.excerpt.length <= 600));
    });

    it('attaches nothing when no document matches the case', async () => {
      const plan = await planFor('zzqx wobblefrob');
      assert.equal(plan.knowledge, undefined);
    });
  });
}
