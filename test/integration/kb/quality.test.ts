import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { drivers, openTestDb } from '../../helpers/db.js';
import { startEmbeddingsStandin, type Standin } from '../../helpers/embeddings-standin/server.js';
import { labelledQueries, measureRecall, standinEmbedder } from '../../helpers/kb-quality.js';

for (const driver of drivers()) {
  describe(`${driver}: kb retrieval quality on the labelled queries`, () => {
    let standin: Standin;
    before(async () => {
      standin = await startEmbeddingsStandin();
    });
    after(() => standin.close());

    it('recall@3: lexical only and hybrid with the stand-in embeddings; hybrid is not worse', async (t) => {
      const lex = await openTestDb(driver);
      const hyb = await openTestDb(driver);
      try {
        const lexical = await measureRecall(lex.db, null);
        const hybrid = await measureRecall(hyb.db, standinEmbedder(standin.url));
        t.diagnostic(
          `${labelledQueries().length} queries: recall@3 lexical ${lexical.recall.toFixed(3)}, hybrid ${hybrid.recall.toFixed(3)}; ` +
            `recall@1 lexical ${lexical.recallAt1.toFixed(3)}, hybrid ${hybrid.recallAt1.toFixed(3)}; ` +
            `hybrid misses: ${JSON.stringify(hybrid.misses)}`,
        );
        assert.ok(
          lexical.recall >= 0.6,
          `lexical recall@3 ${lexical.recall} (misses ${JSON.stringify(lexical.misses)})`,
        );
        assert.ok(hybrid.recall >= lexical.recall, `hybrid ${hybrid.recall} < lexical ${lexical.recall}`);
        // The demo's promise: the orders runbook answers the first question.
        assert.ok(!hybrid.misses.some((m) => m.q === 'orders database slow'));
      } finally {
        await lex.close();
        await hyb.close();
      }
    });
  });
}
