import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drivers, openTestDb } from '../../helpers/db.js';

const NASTY = [
  'tab\there',
  'new\nline',
  'carriage\rreturn',
  'back\\slash \\N \\t',
  `quotes ' " \``,
  'unicode: ü 漢字 😀 \u2028',
  '',
  '\\.',
  'end with backslash\\',
];

for (const driver of drivers()) {
  describe(`${driver}: bulk copy`, () => {
    it('round-trips text, json, bytea, nulls and numbers through COPY', async () => {
      const t = await openTestDb(driver);
      try {
        await t.db.exec(
          'CREATE TABLE copy_probe (id int PRIMARY KEY, s text, j jsonb, b bytea, n double precision, ts timestamptz, flag boolean)',
        );
        const ts = new Date('2026-01-02T03:04:05.678Z');
        const rows: unknown[][] = NASTY.map((s, i) => [
          i,
          s,
          { s, nested: [s, i] },
          new Uint8Array([0, 9, 10, 92, 255, i]),
          i + 0.25,
          ts,
          i % 2 === 0,
        ]);
        rows.push([100, null, null, null, null, null, null]);
        const n = await t.db.copyRows('copy_probe', ['id', 's', 'j', 'b', 'n', 'ts', 'flag'], rows);
        assert.equal(n, rows.length);
        const back = await t.db.query<{
          id: number;
          s: string | null;
          j: unknown;
          b: Uint8Array | null;
          n: number | null;
          ts: Date | null;
          flag: boolean | null;
        }>('SELECT * FROM copy_probe ORDER BY id');
        assert.equal(back.rows.length, rows.length);
        NASTY.forEach((s, i) => {
          const r = back.rows[i]!;
          assert.equal(r.s, s);
          assert.deepEqual(r.j, { s, nested: [s, i] });
          assert.deepEqual([...(r.b as Uint8Array)], [0, 9, 10, 92, 255, i]);
          assert.equal(r.n, i + 0.25);
          assert.equal(r.ts?.toISOString(), ts.toISOString());
          assert.equal(r.flag, i % 2 === 0);
        });
        const last = back.rows.at(-1)!;
        assert.deepEqual([last.s, last.j, last.b, last.n, last.ts, last.flag], [null, null, null, null, null, null]);
      } finally {
        await t.close();
      }
    });

    it('copies inside a transaction and rolls back with it', async () => {
      const t = await openTestDb(driver);
      try {
        await t.db.exec('CREATE TABLE copy_tx (id int PRIMARY KEY)');
        await assert.rejects(
          t.db.transaction(async (tx) => {
            await tx.copyRows('copy_tx', ['id'], [[1], [2], [3]]);
            const mid = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM copy_tx');
            assert.equal(mid.rows[0]?.n, 3);
            throw new Error('boom');
          }),
          /boom/,
        );
        const r = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM copy_tx');
        assert.equal(r.rows[0]?.n, 0);
      } finally {
        await t.close();
      }
    });
  });
}
