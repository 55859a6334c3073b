import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { minePatternsOffline, readLines, runPatternsCommand } from '../../../src/patterns/offline.js';

const lines = [
  'Received block blk_1 of size 10 from /10.0.0.1',
  'user alice logged in',
  'Received block blk_2 of size 20 from /10.0.0.2',
  'user bob logged in',
];

test('each line gets its cluster and the FINAL template of that cluster, in input order', () => {
  const out = minePatternsOffline(lines);
  assert.equal(out.length, 4);
  assert.equal(out[0]!.cluster, out[2]!.cluster);
  assert.equal(out[1]!.cluster, out[3]!.cluster);
  assert.notEqual(out[0]!.cluster, out[1]!.cluster);
  assert.equal(out[0]!.template, 'Received block blk_<*> of size <*> from <*>');
  // Line 2 came before bob, yet shows the template after all input.
  assert.equal(out[1]!.template, 'user <*> logged in');
});

test('runPatternsCommand writes one JSON object per input line (LF, CRLF, no final newline)', async () => {
  const input = Readable.from([`${lines[0]}\r\n${lines[1]}\n`, `${lines[2]}\n\n`, lines[3]!]);
  const output = new PassThrough();
  let text = '';
  output.on('data', (c: Buffer) => (text += c.toString('utf8')));
  await runPatternsCommand(input, output);
  output.end();
  const rows = text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { cluster: number; template: string });
  assert.equal(rows.length, 5); // the empty line is a line too
  assert.deepEqual(Object.keys(rows[0]!), ['cluster', 'template']);
  assert.equal(typeof rows[0]!.cluster, 'number');
  assert.equal(rows[0]!.cluster, rows[2]!.cluster);
  assert.equal(rows[3]!.template, '');
  assert.equal(rows[4]!.template, 'user <*> logged in');
});

test('the config is honoured', () => {
  const strict = minePatternsOffline(['job a ran', 'job b ran'], { simThreshold: 1, siblingSearch: false });
  assert.notEqual(strict[0]!.cluster, strict[1]!.cluster);
});

test('readLines splits on \\n only, drops CR before it, decodes UTF-8 split across chunks', async () => {
  const euro = Buffer.from('€', 'utf8');
  const input = Readable.from([
    Buffer.from('a\r\nb\rc\n'),
    Buffer.concat([Buffer.from('x'), euro.subarray(0, 1)]),
    Buffer.concat([euro.subarray(1), Buffer.from('\n\nlast')]),
  ]);
  const got: string[] = [];
  for await (const l of readLines(input)) got.push(l);
  assert.deepEqual(got, ['a', 'b\rc', 'x€', '', 'last']);
  const none: string[] = [];
  for await (const l of readLines(Readable.from([]))) none.push(l);
  assert.deepEqual(none, []);
});
