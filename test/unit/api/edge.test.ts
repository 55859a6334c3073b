import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerChecker, tokenFromEnv } from '../../../src/api/auth.js';
import { extractPayload } from '../../../src/api/cloudevents.js';
import { ApiError, toErrorResponse } from '../../../src/api/errors.js';
import { hostOfHeader, isLoopbackHost, parseListen } from '../../../src/api/listen.js';
import { decodeCursor, encodeCursor, instant, parseInput } from '../../../src/api/validate.js';

describe('listen addresses', () => {
  it('parses HOST:PORT and [v6]:PORT, rejects the rest with the config path', () => {
    assert.deepEqual(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
    assert.deepEqual(parseListen('localhost:9'), { host: 'localhost', port: 9 });
    for (const bad of ['8080', '127.0.0.1', 'host:99999', ':80', 'a b:1', '[::1]']) {
      assert.throws(() => parseListen(bad, '--listen'), /--listen: must be HOST:PORT/);
    }
  });

  it('loopback is 127/8, ::1, v4-mapped 127.x and localhost; names and other addresses are not', () => {
    for (const h of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      'localhost',
      'LOCALHOST',
      '[::1]',
    ])
      assert.ok(isLoopbackHost(h), h);
    for (const h of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '128.0.0.1',
      'example.com',
      'localhost.evil.com',
      '::ffff:10.0.0.1',
      '',
    ])
      assert.ok(!isLoopbackHost(h), h);
  });

  it('Host header host part', () => {
    assert.equal(hostOfHeader('localhost:8080'), 'localhost');
    assert.equal(hostOfHeader('[::1]:8080'), '::1');
    assert.equal(hostOfHeader('127.0.0.1'), '127.0.0.1');
    assert.equal(hostOfHeader(undefined), undefined);
  });
});

describe('bearer token', () => {
  it('accepts exactly the configured token, in the Bearer scheme', () => {
    const check = bearerChecker('s3cret-token');
    assert.equal(check('Bearer s3cret-token'), true);
    assert.equal(check('bearer s3cret-token'), true);
    for (const h of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Bearer s3cret-tokeN',
      'Bearer s3cret-token2',
      'Basic s3cret-token',
      's3cret-token',
      'Bearer s3cret-token x',
    ])
      assert.equal(check(h), false, String(h));
  });

  it('a blank environment variable is no token', () => {
    assert.equal(tokenFromEnv({}), undefined);
    assert.equal(tokenFromEnv({ OBSERVEBRIDGE_API_TOKEN: '  ' }), undefined);
    assert.equal(tokenFromEnv({ OBSERVEBRIDGE_API_TOKEN: 'x' }), 'x');
  });
});

describe('CloudEvents modes', () => {
  const data = { job: 'j' };
  it('plain, structured and binary requests yield the payload', () => {
    assert.deepEqual(extractPayload({ 'content-type': 'application/json' }, data), { mode: 'plain', payload: data });
    const s = extractPayload(
      { 'content-type': 'application/cloudevents+json' },
      { specversion: '1.0', id: '1', source: '/s', type: 't', subject: 'x', myext: 3, data },
    );
    assert.equal(s.mode, 'structured');
    assert.deepEqual(s.payload, data);
    assert.deepEqual(s.event, { id: '1', source: '/s', type: 't', subject: 'x' });
    const b = extractPayload(
      {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': 'a%20b',
        'ce-source': '/s',
        'ce-type': 't',
      },
      data,
    );
    assert.equal(b.mode, 'binary');
    assert.equal(b.event!.id, 'a b');
  });

  it('malformed envelopes are 400 naming the attribute, non-JSON data is 415', () => {
    const bad = (h: Record<string, string>, body: unknown) => {
      try {
        extractPayload(h, body);
      } catch (e) {
        return e as ApiError;
      }
      assert.fail('expected an error');
    };
    const ct = { 'content-type': 'application/cloudevents+json' };
    const ce = { specversion: '1.0', id: '1', source: '/s', type: 't' };
    assert.equal(bad(ct, { ...ce, type: 1, data }).field, 'type');
    assert.equal(bad(ct, { ...ce, ext: { nested: 1 }, data }).field, 'ext');
    assert.equal(bad(ct, { ...ce, datacontenttype: 'text/xml', data }).status, 415);
    assert.equal(bad(ct, 'string').status, 400);
    assert.equal(bad({ 'ce-id': '1' }, data).field, 'ce-specversion');
    assert.equal(
      bad({ 'ce-specversion': '1.0', 'ce-id': '%E0%A4%A', 'ce-source': 's', 'ce-type': 't' }, data).field,
      'ce-id',
    );
  });
});

describe('validation at the edge', () => {
  it('instants: ISO with a zone or epoch ms', () => {
    assert.equal(parseInput(instant, '2026-06-10T06:00:00Z'), Date.parse('2026-06-10T06:00:00Z'));
    assert.equal(parseInput(instant, '2026-06-10T08:00:00.5+02:00'), Date.parse('2026-06-10T06:00:00.500Z'));
    assert.equal(parseInput(instant, 1_700_000_000_000), 1_700_000_000_000);
    for (const v of ['2026-06-10', '2026-06-10T06:00:00', '2026-13-40T06:00:00Z', 1.5, -1, true, null, {}])
      assert.throws(
        () => parseInput(instant, v, 'from'),
        (e: ApiError) => e.status === 400 && e.field === 'from',
      );
  });

  it('error messages never quote the rejected value', () => {
    try {
      parseInput(instant, 'hunter2-password', 'from');
      assert.fail();
    } catch (e) {
      assert.doesNotMatch((e as Error).message, /hunter2/);
    }
  });

  it('cursors round-trip; tampered ones are a 400 on `cursor`', () => {
    const isPair = (v: unknown): v is [number, number] =>
      Array.isArray(v) && v.length === 2 && v.every(Number.isInteger);
    assert.deepEqual(decodeCursor(encodeCursor([1, 2]), isPair), [1, 2]);
    for (const c of ['', '!!', encodeCursor(['a', 2]), encodeCursor([1]), 'x'.repeat(5000)])
      assert.throws(
        () => decodeCursor(c, isPair),
        (e: ApiError) => e.status === 400 && e.field === 'cursor',
      );
  });

  it('unknown errors become a generic 500 with the request id, and nothing else', () => {
    const r = toErrorResponse(new Error('relation "x" does not exist: SELECT password FROM users'), 'req-1');
    assert.equal(r.status, 500);
    assert.deepEqual(Object.keys(r.body).sort(), ['error', 'message', 'request_id']);
    assert.equal(r.body.request_id, 'req-1');
    assert.doesNotMatch(JSON.stringify(r.body), /SELECT|password|relation/);
    const json = toErrorResponse(
      Object.assign(new SyntaxError('Unexpected token s in "secret"'), { statusCode: 400 }),
      'r',
    );
    assert.equal(json.status, 400);
    assert.doesNotMatch(JSON.stringify(json.body), /secret/);
  });
});
