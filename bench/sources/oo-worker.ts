/**
 * Runs the OpenObserve stand-in in a worker thread (its own core), serving the mock's records for
 * one window as OO rows, so the benchmark measures the client, not the server.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Dataset, LogRecord, Span } from '../../src/core/records.js';
import { RejectStats } from '../../src/core/reject-stats.js';
import { mockConfigSchema } from '../../src/sources/mock/config.js';
import { MockSource } from '../../src/sources/mock/mock-source.js';
import { logToOoRow, type OoRow, spanToOoRow, startOoStandin } from '../../test/helpers/oo-standin/index.js';

interface Input {
  perMinute: { logs: number; metrics: number; spans: number };
  from: number;
  to: number;
}

const input = workerData as Input;
const mock = new MockSource(mockConfigSchema.parse({ kind: 'mock', per_minute: input.perMinute }));
const tenant = { id: 1, code: 'bench', name: 'bench' };
const rows: Record<string, OoRow[]> = {};
for (const dataset of ['traces', 'logs'] as Dataset[]) {
  const out: OoRow[] = [];
  for await (const r of mock.stream(tenant, dataset, { from: input.from, to: input.to }, new RejectStats()))
    out.push(r.kind === 'span' ? spanToOoRow(r as Span) : logToOoRow(r as LogRecord));
  rows[`${dataset}/default`] = out;
}
const oo = await startOoStandin({ rows });
// Serialize every row once before the clock starts (the stand-in caches each row's JSON).
for (const [key, list] of Object.entries(rows)) {
  const [type, stream] = key.split('/') as [string, string];
  const auth: Record<string, string> = oo.auth
    ? { authorization: 'Basic ' + Buffer.from(`${oo.auth.user}:${oo.auth.password}`).toString('base64') }
    : {};
  await fetch(`${oo.url}/api/${oo.org}/_search?type=${type}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({
      query: {
        sql: `SELECT * FROM "${stream}"`,
        start_time: input.from * 1000,
        end_time: input.to * 1000,
        size: list.length,
      },
    }),
  }).then((r) => r.text());
}
parentPort!.postMessage({
  url: oo.url,
  org: oo.org,
  user: oo.auth && oo.auth.user,
  password: oo.auth && oo.auth.password,
});
parentPort!.on('message', (m: unknown) => {
  if (m === 'close') void oo.close().then(() => process.exit(0));
});
