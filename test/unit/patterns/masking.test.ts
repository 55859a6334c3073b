import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Masker, MaskingConfigError, renderToken } from '../../../src/patterns/masking.js';

const m = new Masker();
const masked = (line: string, masker = m): string => masker.tokens(line).join(' ');

test('numbers, durations and sizes become <*>, punctuation around them stays', () => {
  assert.equal(masked('count 42, ratio -0.5 (7) total 1,024'), 'count <*>, ratio <*> (<*>) total <*>');
  assert.equal(masked('took 12ms then 1.5s, 300µs, 4KB and 2h3m'), 'took <*> then <*>, <*>, <*> and <*>');
});

test('IPv4 and IPv6 addresses, with a port, and host:port', () => {
  assert.equal(masked('from 10.1.2.3:8080 to 192.168.0.1'), 'from <*> to <*>');
  assert.equal(masked('peer [2001:db8::1]:443 via fe80::1%eth0'), 'peer <*> via <*>');
  assert.equal(masked('dial db-1.prod.example.com:5432 failed'), 'dial <*> failed');
});

test('UUIDs, 0x hex and long hex ids', () => {
  assert.equal(
    masked('job 550e8400-e29b-41d4-a716-446655440000 ptr 0x7ffde000 sha 3f2a9c1d4b5e6f70'),
    'job <*> ptr <*> sha <*>',
  );
  // Words made of hex letters only are not ids.
  assert.equal(masked('added facade'), 'added facade');
});

test('e-mails, URLs and paths', () => {
  assert.equal(masked('mail bob.smith@example.com'), 'mail <*>');
  assert.equal(masked('GET https://api.example.com/v1/items?id=7 ok'), 'GET <*> ok');
  assert.equal(masked('open /var/log/app.log and C:\\Windows\\x.dll'), 'open <*> and <*>');
});

test('key=value values are masked, ignored fields are dropped', () => {
  const k = new Masker({ ignoredFields: ['request_id'] });
  assert.equal(masked('size=1024 user=root request_id=abc done', k), 'size=<*> user=<*> done');
  assert.equal(masked('(code=3) empty=', k), '(code=<*>) empty=');
});

test('ids with digits inside words keep their letters', () => {
  assert.equal(masked('blk_-1608999687919862906 sshd[24200]: x86_64'), 'blk_<*> sshd[<*>]: x<*>_<*>');
  // Letters and digits interleaved more than once is a generated id, masked whole.
  assert.equal(masked('queue jA9J1UvC004306: sent'), 'queue <*>: sent');
});

test('dates and times, ISO and spelled with month names', () => {
  assert.equal(masked('at 2024-05-03T12:10:10.123Z and 2024-05-03'), 'at <*> and <*>');
  assert.equal(masked('connection at Fri Jun 17 07:07:00 2005 closed'), 'connection at <*> closed');
  assert.equal(masked('req [10/Oct/2000:13:55:36 -0700] done'), 'req [<*>] done');
  // A month name alone is a word.
  assert.equal(masked('May the force'), 'May the force');
});

test('a line header (timestamp, level, thread, logger) is dropped', () => {
  assert.equal(masked('2024-05-03T12:10:10.123Z INFO [main] com.example.Foo: Started in 3.2s'), 'Started in <*>');
  assert.equal(
    masked('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown'),
    'check pass; user unknown',
  );
  assert.equal(masked('03-17 16:13:38.811  1702  2395 D WindowManager: visible'), 'visible');
  // A message that starts with words is never cut, and stripping can be turned off.
  assert.equal(masked('Starting ERROR handler: ok'), 'Starting ERROR handler: ok');
  const keep = new Masker({ stripHeader: false });
  assert.equal(masked('2024-05-03 12:00:01 INFO ready', keep), '<*> <*> INFO ready');
});

test('typed tokens keep kinds apart and render as <*>', () => {
  const t = new Masker({ builtins: { ip: '<IP>', number: '<NUM>' } });
  assert.deepEqual(t.tokens('from 10.0.0.1 port 22'), ['from', '<IP>', 'port', '<NUM>']);
  assert.equal(renderToken('(<IP>)'), '(<*>)');
  assert.ok(t.isMask('<IP>'));
});

test('custom rules run first, in order, and built-ins can be disabled', () => {
  const c = new Masker({
    rules: [{ name: 'order', pattern: 'ORD-[A-Z]+', token: '<ORDER>' }],
    builtins: { path: false },
  });
  assert.equal(masked('order ORD-ABC shipped to /srv/x', c), 'order <ORDER> shipped to /srv/x');
  assert.throws(() => new Masker({ rules: [{ pattern: '(' }] }), MaskingConfigError);
  assert.throws(() => new Masker({ builtins: { ip: 'IP' } }), /patterns\.masking\.builtins\.ip/);
});

test('extra delimiters split tokens', () => {
  const d = new Masker({ extraDelimiters: [',', '|'] });
  assert.equal(masked('a,b|c 1', d), 'a b c <*>');
});

test('variable flags mark masked tokens', () => {
  const toks = m.tokens('user 42 logged blk_7');
  assert.deepEqual(toks, ['user', '<*>', 'logged', 'blk_<*>']);
  assert.deepEqual([...m.variableFlags.subarray(0, 4)], [0, 1, 0, 1]);
});

test('a quantity written over several tokens masks like one written together', () => {
  const m = new Masker();
  // A time unit written apart belongs to the number, as in `12ms`; `<1` is a number with a bound.
  assert.deepEqual(m.tokens('took 12 ms to start'), m.tokens('took 12ms to start'));
  assert.deepEqual(m.tokens('lifetime <1 sec'), ['lifetime', '<*>']);
  assert.deepEqual(m.tokens('lifetime 00:01'), ['lifetime', '<*>']);
  assert.deepEqual(m.tokens('took 3 seconds, retrying'), ['took', '<*>,', 'retrying']);
  // A parenthesised quantity after a quantity is the same value in other units: dropped.
  assert.deepEqual(m.tokens('403 bytes (0.39 KB) sent'), ['<*>', 'bytes', 'sent']);
  assert.deepEqual(m.tokens('403 bytes (0.39KB), done'), ['<*>', 'bytes,', 'done']);
  assert.deepEqual(m.tokens('0 bytes sent'), ['<*>', 'bytes', 'sent']);
  // Other parentheses stay: after a plain value, or holding words.
  assert.deepEqual(m.tokens('from 10.0.0.1 (10.0.0.1) at noon'), ['from', '<*>', '(<*>)', 'at', 'noon']);
  assert.deepEqual(m.tokens('GC pause 12.5ms (heap 300MB)'), ['GC', 'pause', '<*>', '(heap', '<*>)']);
  assert.deepEqual(m.tokens('computed in 8ms (4 items)'), ['computed', 'in', '<*>', '(<*>', 'items)']);
});
