import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatternDictionary, type PatternRow } from '../../../src/patterns/dictionary.js';

const rec = (
  ts: number,
  body: string,
  extra: { severity?: string; attrs?: Record<string, string | number | boolean> } = {},
) => ({
  ts,
  body,
  ...extra,
});

test('mining: one fingerprint per pattern, severity per line, error counting', () => {
  const d = new PatternDictionary();
  const a = d.mine(rec(1000, 'payment 17 declined: card expired', { severity: 'ERROR' }));
  const b = d.mine(rec(2000, 'payment 42 declined: card expired', { severity: 'warn' }));
  const c = d.mine(rec(3000, 'java.lang.IllegalStateException: pool closed'));
  assert.equal(a.fingerprint, b.fingerprint);
  assert.equal(a.severity, 'ERROR');
  assert.ok(a.isError);
  assert.equal(b.severity, 'WARN');
  assert.ok(!b.isError);
  assert.equal(c.severity, 'ERROR');
  const errors = [a, b, c].filter((x) => x.isError).length;
  assert.equal(errors, 2);
  const row = d.get(a.fingerprint)!;
  assert.equal(row.pattern, 'payment <*> declined: card expired');
  assert.equal(row.sampleMessage, 'payment 17 declined: card expired');
  assert.equal(row.severity, 'ERROR');
  assert.equal(row.firstSeen, 1000);
  assert.equal(row.lastSeen, 2000);
});

test('changes: created and updated since load, cleared by markPersisted', () => {
  const d = new PatternDictionary();
  d.mine(rec(1, 'worker 1 started'));
  let ch = d.changes();
  assert.equal(ch.created.length, 1);
  assert.equal(ch.updated.length, 0);
  d.markPersisted();
  assert.deepEqual(d.changes(), { created: [], updated: [], aliases: [] });
  d.mine(rec(1, 'worker 2 started')); // same pattern, nothing new
  assert.deepEqual(d.changes(), { created: [], updated: [], aliases: [] });
  d.mine(rec(5, 'worker 3 started', { attrs: { pid: 7 } }));
  ch = d.changes();
  assert.equal(ch.updated.length, 1);
  assert.equal(ch.updated[0]!.lastSeen, 5);
  assert.deepEqual(ch.updated[0]!.attrsSchema, { pid: 'number' });
});

test('fingerprints survive a restart: rows loaded back give the same fingerprints', () => {
  const lines = [
    'Accepted password for alice from 10.0.0.1 port 22 ssh2',
    'Accepted password for bob from 10.0.0.9 port 2222 ssh2',
    'Connection closed by 10.0.0.3 [preauth]',
    'GET /api/orders/17 200 12ms',
    'user carol logged in from 10.1.1.1',
    'user dave logged in from 10.1.1.2',
  ];
  const d1 = new PatternDictionary();
  // (Fingerprints follow the template: the names the lines have once all are mined.)
  const first = lines.map((l, i) => d1.mine(rec(i, l)).fingerprint).map((fp) => d1.resolve(fp));
  const persisted: PatternRow[] = JSON.parse(JSON.stringify(d1.changes().created)) as PatternRow[];
  // A new process, rows in another order (as a database may return them).
  const d2 = PatternDictionary.load([...persisted].reverse());
  const again = lines.map((l, i) => d2.mine(rec(100 + i, l)).fingerprint);
  assert.deepEqual(again, first);
  assert.equal(d2.changes().created.length, 0);
  // New lines of a loaded pattern join it; the generalized template is reported as updated.
  const e = d2.mine(rec(200, 'user erin logged in from 10.1.1.3'));
  assert.equal(e.fingerprint, first[4]);
});

test('two processes mining the same new line agree on its fingerprint', () => {
  const base = PatternDictionary.load([]);
  void base;
  const p1 = new PatternDictionary();
  const p2 = new PatternDictionary();
  p1.mine(rec(1, 'something unrelated happened here'));
  const f1 = p1.mine(rec(2, 'cache miss for key 42 in region eu')).fingerprint;
  const f2 = p2.mine(rec(3, 'cache miss for key 77 in region eu')).fingerprint;
  assert.equal(f1, f2);
});

test('loading rows again merges them instead of duplicating', () => {
  const p1 = new PatternDictionary();
  const p2 = new PatternDictionary();
  p1.mine(rec(10, 'disk sda is 90% full', { severity: 'WARN' }));
  p2.mine(rec(20, 'disk sda is 95% full', { severity: 'ERROR' }));
  const rows1 = p1.changes().created;
  p2.load(rows1);
  assert.equal(p2.size, 1);
  const row = p2.rows()[0]!;
  assert.equal(row.firstSeen, 10);
  assert.equal(row.lastSeen, 20);
  assert.equal(row.severity, 'ERROR');
});

test('JSON bodies: the message field is mined and its level used', () => {
  const d = new PatternDictionary({ ignoredFields: ['trace_id'] });
  const a = d.mine(
    rec(1, '{"level":"error","msg":"order 5 failed","trace_id":"abc"}', { attrs: { trace_id: 'x', svc: 'a' } }),
  );
  const b = d.mine(rec(2, '{"level":"info","msg":"order 9 failed"}'));
  assert.equal(a.fingerprint, b.fingerprint);
  assert.equal(a.severity, 'ERROR');
  assert.equal(b.severity, 'INFO');
  assert.equal(d.get(a.fingerprint)!.pattern, 'order <*> failed');
  assert.deepEqual(d.get(a.fingerprint)!.attrsSchema, { svc: 'string' });
});

test('ignored key=value fields do not split patterns', () => {
  const d = new PatternDictionary({ ignoredFields: ['request_id'] });
  const a = d.mine(rec(1, 'handled path=/a request_id=1'));
  const b = d.mine(rec(2, 'handled path=/b'));
  assert.equal(a.fingerprint, b.fingerprint);
});

test('maxClusters bounds the dictionary after persisting', () => {
  const d = new PatternDictionary({ maxClusters: 3 });
  for (let i = 0; i < 20; i++) d.mine(rec(i, `distinct${String.fromCharCode(97 + i)} message kind here`));
  assert.equal(d.changes().created.length, 20);
  d.markPersisted();
  assert.ok(d.size <= 3);
});
