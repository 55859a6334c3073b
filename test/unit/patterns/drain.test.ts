import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrainMiner, DrainConfigError } from '../../../src/patterns/drain.js';
import { fingerprintOf, fingerprintOfText } from '../../../src/patterns/fingerprint.js';

test('same template with different variables gets one cluster and one fingerprint', () => {
  const m = new DrainMiner();
  const a = m.add('Received block blk_123 of size 67108864 from /10.251.42.84');
  const b = m.add('Received block blk_-987 of size 3545 from /10.250.11.100');
  assert.equal(a.fingerprint, b.fingerprint);
  assert.equal(a.clusterId, b.clusterId);
  assert.equal(b.template, 'Received block blk_<*> of size <*> from <*>');
  assert.equal(a.change, 'created');
  assert.equal(b.change, 'none');
  assert.notEqual(m.add('Deleting block blk_1 file /data/x').fingerprint, a.fingerprint);
});

test('a fingerprint follows the template: a generalized pattern is renamed, its old name an alias', () => {
  const m = new DrainMiner();
  const a = m.add('user alice logged in from 10.0.0.1 via web');
  assert.equal(a.fingerprint, fingerprintOfText('user alice logged in from <*> via web'));
  assert.deepEqual(m.takeRenames(), []);
  const b = m.add('user bob logged in from 10.0.0.2 via web');
  assert.equal(b.change, 'generalized');
  assert.equal(b.template, 'user <*> logged in from <*> via web');
  assert.equal(b.clusterId, a.clusterId);
  assert.equal(b.fingerprint, fingerprintOfText('user <*> logged in from <*> via web'));
  assert.deepEqual(m.takeRenames(), [{ from: a.fingerprint, to: b.fingerprint }]);
  assert.deepEqual(m.takeRenames(), [], 'taken once');
  assert.equal(m.resolve(a.fingerprint), b.fingerprint);
  assert.equal(m.resolve(b.fingerprint), b.fingerprint);
  assert.equal(m.add('user carol logged in from 10.0.0.3 via web').fingerprint, b.fingerprint);
});

test('one template, one pattern: a cluster renamed into a known name merges; ids and names resolve', () => {
  // Another process generalized `x`'s pattern and wrote the new one and an alias row; this miner
  // loads both while it still has `x`.
  const m = new DrainMiner();
  const x = m.add('job alpha moved to queue slow after retry');
  const general = 'job <*> moved to queue slow after retry';
  const y = m.seed(
    fingerprintOfText(general),
    general.split(' '),
    'job beta moved to queue slow after retry'.split(' '),
  );
  assert.notEqual(y, x.clusterId);
  m.alias(x.fingerprint, fingerprintOfText(general));
  assert.equal(m.cluster(x.clusterId)?.clusterId, y);
  assert.equal(m.resolve(x.fingerprint), fingerprintOfText(general));
  assert.deepEqual(
    m.clusters().map((c) => [c.template, c.size]),
    [[general, 1]],
  );
  assert.equal(m.add('job alpha moved to queue slow after retry').clusterId, y);
  // Rows stored under names that are not their template's (written before names followed templates)
  // become aliases of the template's name when seeded; two of them with one template are one pattern.
  const s = new DrainMiner();
  const t = ['disk', '<*>', 'is', '<*>', 'full'];
  const a = s.seed('11', t, ['disk', 'sda1', 'is', '91%', 'full']);
  const b = s.seed('22', t, ['disk', 'sdb', 'is', '95%', 'full']);
  assert.equal(a, b);
  const canonical = fingerprintOfText('disk <*> is <*> full');
  assert.deepEqual(s.takeRenames(), [
    { from: '11', to: canonical },
    { from: '22', to: canonical },
  ]);
  assert.equal(s.resolve('22'), canonical);
  assert.equal(s.add('disk sdc is 97% full').fingerprint, canonical);
});

test('fingerprints are non-negative 63-bit decimal strings', () => {
  for (const t of ['a', 'b <*>', '', 'x y z']) {
    const fp = fingerprintOf(t.split(' '));
    assert.match(fp, /^[1-9]\d*$/);
    assert.ok(BigInt(fp) < 2n ** 63n);
  }
});

test('dissimilar lines of one length stay apart; similar ones merge', () => {
  const m = new DrainMiner();
  const x = m.add('Starting service payments on port 8080');
  const y = m.add('Stopping worker pool after 3 retries');
  assert.notEqual(x.clusterId, y.clusterId);
  assert.equal(m.size, 2);
});

test('a line that fits a template exactly joins it whatever the threshold', () => {
  const m = new DrainMiner({ simThreshold: 1 });
  m.add('job a done in x');
  const g = m.add('job b done in y');
  // With threshold 1 nothing merges by similarity...
  assert.equal(g.change, 'created');
  // ...but a seeded general template takes every line it fits.
  m.seed(fingerprintOfText('job <*> done in <*>'), ['job', '<*>', 'done', 'in', '<*>'], null);
  const r = m.add('job zz done in qq');
  assert.equal(r.template, 'job <*> done in <*>');
});

test('deterministic: the same lines in the same order give identical state', () => {
  const lines = Array.from({ length: 300 }, (_, i) =>
    i % 3 === 0
      ? `conn ${i} from 10.0.0.${i % 250} ok`
      : i % 3 === 1
        ? `task t${i} failed after ${i}ms`
        : `cache hit key=${i}`,
  );
  const a = new DrainMiner();
  const b = new DrainMiner();
  for (const l of lines) a.add(l);
  for (const l of lines) b.add(l);
  assert.deepEqual(a.export(), b.export());
});

test('order independence: what is guaranteed', () => {
  // Guarantee: when masking catches every variable of a pattern, all its lines share one masked
  // form, so every miner gives them the same fingerprint, in any order.
  const lines = [
    'Received block blk_1 of size 10 from /10.0.0.1',
    'Served block blk_2 to /10.0.0.2',
    'Received block blk_3 of size 20 from /10.0.0.3',
    'PacketResponder 1 for block blk_4 terminating',
    'Served block blk_5 to /10.0.0.5',
    'PacketResponder 2 for block blk_6 terminating',
  ];
  const fwd = new DrainMiner();
  const rev = new DrainMiner();
  const f = lines.map((l) => fwd.add(l).fingerprint);
  const r = [...lines]
    .reverse()
    .map((l) => rev.add(l).fingerprint)
    .reverse();
  assert.deepEqual(f, r);
  // Also when Drain merges lines that masking left different: the fingerprint is the final
  // template's, whichever line came first (earlier answers resolve to it).
  const p = new DrainMiner();
  const q = new DrainMiner();
  const u1 = 'user alice logged in from 10.0.0.1 via web';
  const u2 = 'user bob logged in from 10.0.0.2 via web';
  const p1 = p.add(u1).fingerprint;
  const pf = p.add(u2).fingerprint;
  const q1 = q.add(u2).fingerprint;
  const qf = q.add(u1).fingerprint;
  assert.equal(pf, qf);
  assert.equal(p.resolve(p1), pf);
  assert.equal(q.resolve(q1), qf);
  // A miner loaded from an export knows the aliases too.
  const q2 = DrainMiner.load(JSON.parse(JSON.stringify(p.export())) as ReturnType<DrainMiner['export']>);
  assert.equal(q2.resolve(p1), pf);
  assert.equal(q2.add(u1).fingerprint, pf);
});

test('export/load roundtrip keeps clusters, fingerprints and matching', () => {
  const m = new DrainMiner();
  const lines = ['GET /a 200 12ms', 'GET /b 404 3ms', 'worker 3 started', 'worker 9 started', 'disk sda1 is 91% full'];
  const before = lines.map((l) => m.add(l));
  const state = JSON.parse(JSON.stringify(m.export())) as ReturnType<DrainMiner['export']>;
  const n = DrainMiner.load(state);
  assert.deepEqual(n.clusters(), m.clusters());
  for (const [i, l] of lines.entries()) {
    assert.equal(n.match(l)?.fingerprint, before[i]!.fingerprint);
    assert.equal(n.add(l).fingerprint, before[i]!.fingerprint);
  }
  assert.deepEqual(
    n.clusters().map((c) => c.clusterId),
    m.clusters().map((c) => c.clusterId),
  );
});

test('match() never creates or changes clusters', () => {
  const m = new DrainMiner();
  m.add('worker 3 started');
  assert.equal(m.match('worker 4 started')?.template, 'worker <*> started');
  assert.equal(m.match('something else entirely'), null);
  assert.equal(m.size, 1);
});

test('maxClusters evicts the least recently used cluster; a re-created one keeps its fingerprint', () => {
  const m = new DrainMiner({ maxClusters: 2 });
  const a = m.add('alpha event happened');
  m.add('beta thing occurred now');
  m.add('alpha event happened'); // touch alpha
  m.add('gamma stuff went off here again');
  assert.equal(m.size, 2);
  const names = m.clusters().map((c) => c.template);
  assert.ok(names.includes('alpha event happened'));
  assert.ok(!names.includes('beta thing occurred now'));
  // Evicted and seen again: same first line, same fingerprint.
  m.add('beta thing occurred now');
  assert.equal(m.match('beta thing occurred now')?.fingerprint, fingerprintOfText('beta thing occurred now'));
  assert.notEqual(a.fingerprint, fingerprintOfText('beta thing occurred now'));
});

test('sibling search merges a variable word in a tree-key position', () => {
  const on = new DrainMiner();
  const off = new DrainMiner({ siblingSearch: false });
  for (const u of ['alice', 'bob', 'carol']) {
    on.add(`user ${u} logged in from 10.0.0.1`);
    off.add(`user ${u} logged in from 10.0.0.1`);
  }
  assert.equal(on.size, 1);
  assert.equal(on.clusters()[0]!.template, 'user <*> logged in from <*>');
  assert.equal(off.size, 3);
});

test('empty and one-token lines', () => {
  const m = new DrainMiner();
  assert.equal(m.add('').template, '');
  assert.equal(m.add('   ').clusterId, m.add('').clusterId);
  assert.equal(m.add('running').template, 'running');
  assert.notEqual(m.add('stopped').clusterId, m.add('running').clusterId);
  assert.equal(m.add('42').template, '<*>');
});

test('bad options are rejected with the option path', () => {
  assert.throws(() => new DrainMiner({ depth: 2 }), DrainConfigError);
  assert.throws(() => new DrainMiner({ simThreshold: 1.5 }), /patterns\.simThreshold/);
  assert.throws(() => new DrainMiner({ maxChildren: 1 }), /patterns\.maxChildren/);
});

test('a literal last token tells patterns apart; a masked one does not', () => {
  const m = new DrainMiner();
  const a = m.add('Session: 30546173_4261722401 initialized by client WindowsUpdateAgent.');
  const b = m.add('Session: 11152_142416105 initialized by client SPP.');
  assert.notEqual(a.clusterId, b.clusterId);
  assert.equal(m.add('Session: 1_2 initialized by client SPP.').clusterId, b.clusterId);
  const c = m.add('connection closed by 10.0.0.1');
  assert.equal(m.add('connection closed by 10.0.0.2').clusterId, c.clusterId);
  // Off: Drain's rule, the last word is one more token to vote.
  const off = new DrainMiner({ lastTokenLiteral: false });
  const x = off.add('Session: 30546173_4261722401 initialized by client WindowsUpdateAgent.');
  assert.equal(off.add('Session: 11152_142416105 initialized by client SPP.').clusterId, x.clusterId);
});
