import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkSections, splitText } from '../../../src/kb/chunk.js';
import { formatOf, parseDocument } from '../../../src/kb/parse.js';
import { urnsIn } from '../../../src/kb/urns.js';
import { fuseRanks } from '../../../src/kb/search.js';

describe('kb parse', () => {
  it('splits Markdown by ATX and setext headings, keeps fenced code whole, reads front matter', () => {
    const md = [
      '---',
      'title: Orders DB runbook',
      'date: 2026-05-01',
      'owner: dba',
      'urns: [urn:db:postgresql:orders-db/orders]',
      '---',
      '# Ignored for title',
      'intro',
      '## Diagnosis',
      '```sh',
      '# not a heading',
      'psql -c "select 1"',
      '```',
      'Mitigation',
      '----------',
      'scale the pool',
    ].join('\n');
    const d = parseDocument(md, 'markdown', 'fallback');
    assert.equal(d.title, 'Orders DB runbook');
    assert.equal(d.date, Date.parse('2026-05-01'));
    assert.equal(d.meta.owner, 'dba');
    assert.deepEqual(
      d.sections.map((s) => s.headings),
      [['Ignored for title'], ['Ignored for title', 'Diagnosis'], ['Ignored for title', 'Mitigation']],
    );
    assert.match(d.sections[1]!.text, /# not a heading/);
  });

  it('turns HTML headings into sections and drops scripts, styles and navigation', () => {
    const html =
      '<html><head><title>Cache runbook</title><script>var x = "secret";</script></head><body><nav>menu</nav>' +
      '<h1>Redis</h1><p>Evictions &amp; memory <b>pressure</b>.</p><h2>Fix</h2><ul><li>raise maxmemory</li></ul></body></html>';
    const d = parseDocument(html, 'html', 'f');
    assert.equal(d.title, 'Cache runbook');
    assert.deepEqual(
      d.sections.map((s) => [s.headings.join('/'), s.text]),
      [
        ['Redis', 'Evictions & memory pressure.'],
        ['Redis/Fix', '- raise maxmemory'],
      ],
    );
    assert.ok(!JSON.stringify(d).includes('secret') && !JSON.stringify(d).includes('menu'));
  });

  it('plain text is one section titled by its first short line; formats by extension and content type', () => {
    const d = parseDocument('Disk full on db hosts\n\nfree space with logrotate', 'text', 'f');
    assert.equal(d.title, 'Disk full on db hosts');
    assert.equal(d.sections.length, 1);
    assert.equal(formatOf('a/b.MD'), 'markdown');
    assert.equal(formatOf('x.htm'), 'html');
    assert.equal(formatOf('https://h/p', 'text/html; charset=utf-8'), 'html');
    assert.equal(formatOf('x.pdf'), undefined);
  });
});

describe('kb chunk', () => {
  it('keeps a section that fits as one chunk and cuts a long one with overlap, every word kept', () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
    const text = `${words.slice(0, 200).join(' ')}.\n\n${words.slice(200).join(' ')}.`;
    const pieces = splitText(text, { maxChars: 600, overlapChars: 100 });
    assert.ok(pieces.length >= 4);
    for (const p of pieces) assert.ok(p.length <= 600, `piece of ${p.length} chars`);
    for (const w of words)
      assert.ok(
        pieces.some((p) => p.split(/[\s.]+/).includes(w)),
        `${w} lost`,
      );
    // Overlap: each piece starts with words the previous one ended with.
    for (let i = 1; i < pieces.length; i++) {
      const first = pieces[i]!.split(' ')[0]!;
      assert.ok(pieces[i - 1]!.includes(first), `piece ${i} does not overlap`);
    }
    assert.deepEqual(splitText('short', { maxChars: 600, overlapChars: 100 }), ['short']);
  });

  it('numbers chunks across sections and records heading path and URNs', () => {
    const chunks = chunkSections(
      [
        { headings: ['A'], text: 'see urn:k8s:svc:shop/orders.' },
        { headings: ['A', 'B'], text: 'nothing' },
      ],
      { maxChars: 1000, overlapChars: 100 },
    );
    assert.deepEqual(
      chunks.map((c) => [c.idx, c.heading, c.urns]),
      [
        [0, 'A', ['urn:k8s:svc:shop/orders']],
        [1, 'A › B', []],
      ],
    );
  });
});

describe('kb urns and fusion', () => {
  it('finds URNs in prose, trims sentence punctuation, dedupes', () => {
    assert.deepEqual(
      urnsIn('Calls (urn:k8s:svc:shop/cart) hit urn:db:postgresql:orders-db/orders; urn:k8s:svc:shop/cart.'),
      ['urn:k8s:svc:shop/cart', 'urn:db:postgresql:orders-db/orders'],
    );
    assert.deepEqual(urnsIn('no urn here, nor urn: alone'), []);
  });

  it('reciprocal rank fusion rewards agreement between methods', () => {
    const f = fuseRanks({ fts: [1, 2, 3], trigram: [3, 4], vector: [3, 1] }, 60);
    assert.equal(f[0]!.id, 3);
    assert.deepEqual(f[0]!.ranks, { fts: 3, trigram: 1, vector: 1 });
    assert.equal(f[1]!.id, 1);
    assert.ok(Math.abs(f[0]!.score - (1 / 63 + 1 / 61 + 1 / 61)) < 1e-12);
    assert.deepEqual(
      f.map((x) => x.id),
      [3, 1, 2, 4],
    );
  });
});
