import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/errors.js';
import { createSource, parseSourceConfig, sourceConfigSchema } from '../../../src/sources/registry.js';

const minimal = {
  mock: { kind: 'mock' },
  openobserve: { kind: 'openobserve', url: 'http://oo:5080', user: 'etl@example.com', password_env: 'OO_PASSWORD' },
  objectstore: { kind: 'objectstore', storage: { type: 's3', bucket: 'oo-data' } },
  file: { kind: 'file', path: './telemetry' },
};

describe('source registry', () => {
  for (const [kind, input] of Object.entries(minimal)) {
    it(`${kind}: a minimal config parses with defaults, and parsing is idempotent`, () => {
      const once = sourceConfigSchema.parse(input);
      assert.equal(once.kind, kind);
      assert.deepStrictEqual(sourceConfigSchema.parse(once), once);
    });
  }

  it('fills the documented defaults', () => {
    const oo = parseSourceConfig(minimal.openobserve);
    assert.ok(oo.kind === 'openobserve');
    assert.equal(oo.org, 'default');
    assert.deepStrictEqual(oo.streams, { logs: 'default', traces: 'default', metrics: 'all' });
    assert.equal(oo.page_size, 5000);
    assert.equal(oo.slice, 300_000);
    assert.equal(oo.request_timeout, 60_000);
    assert.deepStrictEqual(oo.retry, { max_attempts: 5, initial_delay: 500, max_delay: 30_000 });
    const mock = parseSourceConfig({
      kind: 'mock',
      incident: { dependency: 'orders-db', from: '2024-06-10T06:00:00Z' },
    });
    assert.ok(mock.kind === 'mock');
    assert.deepStrictEqual(mock.per_minute, { logs: 5000, metrics: 500, spans: 1000 });
    assert.deepStrictEqual(mock.incident, {
      dependency: 'orders-db',
      from: Date.UTC(2024, 5, 10, 6),
      latency_factor: 8,
      error_rate: 0.25,
    });
    const os = parseSourceConfig(minimal.objectstore);
    assert.ok(os.kind === 'objectstore');
    assert.equal(os.layout.granularity, 'hour');
    assert.equal(os.layout.template, 'files/{org}/{stream_type}/{stream}/{YYYY}/{MM}/{DD}/{HH}/');
  });

  it('reports every problem with its path', () => {
    assert.throws(
      () =>
        parseSourceConfig(
          { kind: 'openobserve', url: 'not a url', password_env: 'lower-case!', page_size: 0, slice: '5 minutes' },
          'tenants[0].source',
        ),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        const text = e.problems.join('\n');
        for (const p of [
          'tenants[0].source.url',
          'tenants[0].source.password_env',
          'tenants[0].source.page_size',
          'tenants[0].source.slice',
        ])
          assert.ok(text.includes(p), `${p} in ${text}`);
        return true;
      },
    );
    assert.throws(() => parseSourceConfig({ kind: 'kafka' }), /mock.*openobserve.*objectstore.*file/);
    assert.throws(
      () => parseSourceConfig({ ...minimal.openobserve, user: undefined }),
      /source\.user: set user \(the OO user e-mail\) or user_env/,
    );
  });

  it('refuses secrets written into the config, saying where they go', () => {
    assert.throws(
      () => parseSourceConfig({ ...minimal.openobserve, password: 'hunter2' }),
      /source\.password: secrets are not stored in config.*password_env/,
    );
  });

  it('createSource builds each kind; a missing secret env var is a config error', () => {
    assert.equal(createSource(minimal.mock).kind, 'mock');
    assert.equal(createSource(minimal.file).kind, 'file');
    assert.equal(createSource(minimal.objectstore).kind, 'objectstore');
    assert.equal(createSource(minimal.openobserve, { env: { OO_PASSWORD: 'x' } }).kind, 'openobserve');
    assert.throws(
      () => createSource(minimal.openobserve, { env: {} }),
      (e: unknown) => e instanceof ConfigError && /OO_PASSWORD is not set/.test(e.message),
    );
    // accepts an already parsed config
    assert.equal(createSource(parseSourceConfig(minimal.mock)).kind, 'mock');
  });
});
