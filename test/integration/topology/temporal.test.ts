import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { topologyAt } from '../../../src/db/writers/topo-edges.js';
import type { Db } from '../../../src/db/types.js';
import { topoAnsibleJob, topoIacJob } from '../../../src/jobs/topo.js';
import { mockConfigSchema } from '../../../src/sources/mock/config.js';
import { MockSource } from '../../../src/sources/mock/mock-source.js';
import { drivers, openTestDb } from '../../helpers/db.js';
import { runWindow, seedTenants } from '../../helpers/job-harness.js';
import { fixturesDir } from '../../helpers/paths.js';

const Q = 15 * 60_000;
const T0 = Date.parse('2026-06-10T06:00:00Z');
const SGR = join(fixturesDir, 'iac/terraform/inframap/aws_state_sgr.json');
const RDS = 'urn:aws:rds.instance:sample-magento-rds-prod';
const src = new MockSource(mockConfigSchema.parse({ kind: 'mock' }));

interface State {
  resources: { type: string }[];
}

async function edgeRows(
  db: Db,
): Promise<{ src: string; dst: string; relation: string; origin: string; lower: Date; upper: Date | null }[]> {
  const r = await db.query<{
    src: string;
    dst: string;
    relation: string;
    origin: string;
    lower: Date;
    upper: Date | null;
  }>(
    `SELECT s.urn AS src, d.urn AS dst, t.relation, t.origin, lower(t.valid) AS lower, upper(t.valid) AS upper
       FROM topo_edge_time t JOIN dim_resource s ON s.resource_id = t.src_resource_id
       JOIN dim_resource d ON d.resource_id = t.dst_resource_id ORDER BY 1, 2, 3, 5`,
  );
  return r.rows;
}

for (const driver of drivers()) {
  describe(`${driver}: topology in time (T6/T7)`, () => {
    it('opens, keeps, closes and reopens edges; topo at answers for three instants', async () => {
      const t = await openTestDb(driver);
      const dir = mkdtempSync(join(tmpdir(), 'ob-topo-'));
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const state = join(dir, 'state.json');
        const full = readFileSync(SGR, 'utf8');
        writeFileSync(state, full);
        const job = topoIacJob();
        const cfg = { topology: { terraform: [state] } };
        const w = (i: number) => ({ from: T0 + i * Q, to: T0 + (i + 1) * Q });

        const r1 = await runWindow(t.db, job, tenant!, w(0), src, {}, cfg);
        assert.equal(r1.result.opened, 15);
        const first = await edgeRows(t.db);
        assert.equal(first.length, 15);
        assert.ok(first.every((e) => e.upper === null && e.lower.getTime() === w(0).to && e.origin === 'terraform'));

        // same input again: no new rows
        const r2 = await runWindow(t.db, job, tenant!, w(1), src, {}, cfg);
        assert.deepEqual([r2.result.opened, r2.result.closed, r2.result.kept], [0, 0, 15]);
        assert.deepEqual(await edgeRows(t.db), first);

        // remove the RDS instance: its edges close at the run's time
        const parsed = JSON.parse(full) as State;
        parsed.resources = parsed.resources.filter((r) => r.type !== 'aws_db_instance');
        writeFileSync(state, JSON.stringify(parsed));
        const r3 = await runWindow(t.db, job, tenant!, w(2), src, {}, cfg);
        assert.equal(r3.result.closed, 3);
        const afterRemove = await edgeRows(t.db);
        const rdsEdges = afterRemove.filter((e) => e.src === RDS || e.dst === RDS);
        assert.equal(rdsEdges.length, 3);
        for (const e of rdsEdges) assert.equal(e.upper?.getTime(), w(2).to);
        assert.equal(afterRemove.filter((e) => e.upper === null).length, 12);

        // add it back: a new open range; the old one stays closed
        writeFileSync(state, full);
        const r4 = await runWindow(t.db, job, tenant!, w(3), src, {}, cfg);
        assert.equal(r4.result.opened, 3);
        const back = (await edgeRows(t.db)).filter((e) => e.src === RDS || e.dst === RDS);
        assert.equal(back.length, 6);
        assert.equal(back.filter((e) => e.upper === null && e.lower.getTime() === w(3).to).length, 3);
        assert.equal(back.filter((e) => e.upper?.getTime() === w(2).to).length, 3);

        // topo at three instants
        const at = async (ms: number) => (await topologyAt(t.db, tenant!.id, ms)).length;
        assert.equal(await at(w(0).to - 1), 0); // before the first run
        assert.equal(await at(w(2).to - 1), 15); // everything
        assert.equal(await at(w(2).to + 1), 12); // RDS removed
        assert.equal(await at(w(3).to + 1), 15); // back
        const rdsAt = (await topologyAt(t.db, tenant!.id, w(2).to + 1)).filter((e) => e.src === RDS || e.dst === RDS);
        assert.deepEqual(rdsAt, []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await t.close();
      }
    });

    it('origins are isolated: an empty Terraform state closes only Terraform edges', async () => {
      const t = await openTestDb(driver);
      const dir = mkdtempSync(join(tmpdir(), 'ob-topo-'));
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const state = join(dir, 'state.json');
        writeFileSync(state, readFileSync(SGR, 'utf8'));
        const cfg = {
          topology: { terraform: [state], ansible: [join(fixturesDir, 'ansible/lamp_haproxy/hosts')] },
        };
        await runWindow(t.db, topoIacJob(), tenant!, { from: T0, to: T0 + Q }, src, {}, cfg);
        await runWindow(t.db, topoAnsibleJob(), tenant!, { from: T0, to: T0 + 4 * Q }, src, {}, cfg);
        const before = await edgeRows(t.db);
        const ansible = before.filter((e) => e.origin === 'ansible');
        assert.ok(ansible.length >= 5, `ansible edges: ${ansible.length}`);
        writeFileSync(
          state,
          JSON.stringify({
            version: 4,
            terraform_version: '1.5.0',
            serial: 9,
            lineage: 'x',
            outputs: {},
            resources: [],
          }),
        );
        const r = await runWindow(t.db, topoIacJob(), tenant!, { from: T0 + 4 * Q, to: T0 + 5 * Q }, src, {}, cfg);
        assert.equal(r.result.closed, 15);
        const after = await edgeRows(t.db);
        assert.equal(after.filter((e) => e.origin === 'terraform' && e.upper === null).length, 0);
        assert.deepEqual(
          after.filter((e) => e.origin === 'ansible'),
          ansible,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await t.close();
      }
    });

    it('a malformed state fails the window with the file named, and writes nothing', async () => {
      const t = await openTestDb(driver);
      const dir = mkdtempSync(join(tmpdir(), 'ob-topo-'));
      try {
        const [tenant] = await seedTenants(t.db, ['acme']);
        const state = join(dir, 'broken.tfstate');
        writeFileSync(state, '{"version": 4, "resources": [');
        await assert.rejects(
          runWindow(
            t.db,
            topoIacJob(),
            tenant!,
            { from: T0, to: T0 + Q },
            src,
            {},
            { topology: { terraform: [state] } },
          ),
          (e: Error) => e.message.includes('broken.tfstate'),
        );
        assert.equal((await edgeRows(t.db)).length, 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await t.close();
      }
    });
  });
}
