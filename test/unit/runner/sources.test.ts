import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError } from '../../../src/core/errors.js';
import { SourceResolver, type SourceConfig } from '../../../src/runner/sources.js';
import type { Source } from '../../../src/sources/source.js';
import { testConfig } from '../../helpers/test-jobs.js';

function fakeSource(cfg: SourceConfig): Source {
  return {
    kind: cfg.kind,
    async *stream() {},
    location: () => ({ bucket: String(cfg.seed ?? ''), objectKey: '' }),
  };
}

describe('source resolver', () => {
  const config = testConfig({
    tenants: [
      { code: 'a', source: 'shared' },
      { code: 'b', source: 'shared' },
      { code: 'c', source: { kind: 'mock', seed: 7 } },
    ],
  });
  config.sources = { shared: { kind: 'mock', seed: 1 } };
  const t = (code: string) => ({ id: 1, code, name: code });

  it('creates each source once, lazily; tenants naming the same source share it', () => {
    const made: SourceConfig[] = [];
    const r = new SourceResolver(config, (cfg) => {
      made.push(cfg);
      return fakeSource(cfg);
    });
    assert.equal(made.length, 0);
    assert.equal(r.get(t('a')), r.get(t('b')));
    assert.notEqual(r.get(t('c')), r.get(t('a')));
    assert.deepEqual(
      made.map((m) => m.seed),
      [1, 7],
    );
  });

  it('setup problems are permanent errors (retrying cannot help)', () => {
    assert.throws(
      () => new SourceResolver(config, undefined).get(t('a')),
      (e) => e instanceof PermanentError && /no source registry/.test(e.message),
    );
    const bad = new SourceResolver(config, () => {
      throw new Error('sources.shared.url: required');
    });
    assert.throws(
      () => bad.get(t('a')),
      (e) => e instanceof PermanentError && e.code === 'source_invalid',
    );
    assert.throws(() => bad.get(t('zzz')), PermanentError);
  });
});
