import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { embeddingsSettings, type EmbeddingsSettings } from '../../../src/kb/config.js';
import { EmbeddingsError, openAiEmbedder, retryAfterMs } from '../../../src/kb/embeddings.js';
import { startEmbeddingsStandin, type Standin } from '../../helpers/embeddings-standin/server.js';

const base = (url: string, over: Partial<EmbeddingsSettings> = {}): EmbeddingsSettings => ({
  url,
  model: 'standin-1',
  dimensions: undefined,
  apiKey: undefined,
  batchSize: 4,
  maxRetries: 3,
  timeoutMs: 5000,
  ...over,
});

describe('embeddings client against the local stand-in', () => {
  let s: Standin;
  before(async () => {
    s = await startEmbeddingsStandin({ apiKey: 'k1', dims: 64 });
  });
  after(() => s.close());

  it('batches, sends the key, returns unit vectors in input order', async () => {
    const e = openAiEmbedder(base(s.url, { apiKey: 'k1' }));
    const texts = Array.from({ length: 10 }, (_, i) => `text number ${i}`);
    const v = await e.embed(texts);
    assert.equal(v.length, 10);
    assert.deepEqual(s.batches, [4, 4, 2]);
    assert.equal(s.lastAuthorization, 'Bearer k1');
    assert.equal(e.dimensions, 64);
    for (const x of v) assert.ok(Math.abs(Math.hypot(...x) - 1) < 1e-5);
    // Deterministic and order-preserving: the same text alone gives the same vector.
    const [again] = await e.embed([texts[7]!]);
    assert.deepEqual([...again!], [...v[7]!]);
  });

  it('fails at once on a 4xx other than 429, with the status', async () => {
    const e = openAiEmbedder(base(s.url, { apiKey: 'wrong' }));
    const before = s.requests;
    await assert.rejects(e.embed(['x']), (err: unknown) => err instanceof EmbeddingsError && err.status === 401);
    assert.equal(s.requests - before, 1);
  });
});

describe('embeddings retries', () => {
  it('waits out 429 with Retry-After and retries 5xx, then succeeds', async () => {
    const s = await startEmbeddingsStandin({ failFirst: { count: 2, status: 429, retryAfter: '2' } });
    const waits: number[] = [];
    try {
      const e = openAiEmbedder(base(s.url), { sleep: async (ms) => void waits.push(ms) });
      const v = await e.embed(['a', 'b']);
      assert.equal(v.length, 2);
      assert.deepEqual(waits, [2000, 2000]);
      assert.equal(s.requests, 3);
    } finally {
      await s.close();
    }
    const s5 = await startEmbeddingsStandin({ failFirst: { count: 1, status: 503 } });
    try {
      const retries: (number | null)[] = [];
      const e = openAiEmbedder(base(s5.url), { sleep: async () => {}, onRetry: (r) => void retries.push(r.status) });
      await e.embed(['a']);
      assert.deepEqual(retries, [503]);
    } finally {
      await s5.close();
    }
  });

  it('gives up after max_retries on a provider that stays down', async () => {
    const s = await startEmbeddingsStandin({ alwaysFail: 500 });
    try {
      const e = openAiEmbedder(base(s.url, { maxRetries: 2 }), { sleep: async () => {} });
      await assert.rejects(e.embed(['a']), /gave up after 3 attempts/);
      assert.equal(s.requests, 3);
    } finally {
      await s.close();
    }
  });

  it('rejects vectors wider than the column and parses Retry-After dates', async () => {
    const s = await startEmbeddingsStandin({ dims: 2000 });
    try {
      await assert.rejects(openAiEmbedder(base(s.url)).embed(['a']), /at most 1536/);
    } finally {
      await s.close();
    }
    assert.equal(retryAfterMs('1.5'), 1500);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 7_000), 3000);
    assert.equal(retryAfterMs('soon'), undefined);
  });
});

describe('embeddings settings', () => {
  it('is null without a URL, env overrides config, a URL without a model names the field', () => {
    assert.equal(embeddingsSettings({}, {}), null);
    const s = embeddingsSettings(
      { embeddings: { url: 'http://a/v1', model: 'm', api_key_env: 'MY_KEY' } },
      { OBSERVEBRIDGE_EMBEDDINGS_URL: 'http://b/v1/', OBSERVEBRIDGE_EMBEDDINGS_DIMENSIONS: '256', MY_KEY: 'sekret' },
    );
    assert.equal(s?.url, 'http://b/v1');
    assert.equal(s?.dimensions, 256);
    assert.equal(s?.apiKey, 'sekret');
    assert.throws(() => embeddingsSettings({ embeddings: { url: 'http://a/v1' } }, {}), /kb\.embeddings\.model/);
    assert.throws(
      () =>
        embeddingsSettings(
          {},
          {
            OBSERVEBRIDGE_EMBEDDINGS_URL: 'http://a',
            OBSERVEBRIDGE_EMBEDDINGS_MODEL: 'm',
            OBSERVEBRIDGE_EMBEDDINGS_DIMENSIONS: '4096',
          },
        ),
      /DIMENSIONS/,
    );
  });
});
