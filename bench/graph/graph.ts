/**
 * Active call graph benchmarks (issue 6):
 * - refresh: age-refresh of one tenant with 1,000 and 10,000 active edges among 2,000 resources, first
 *   run (empty graph) and repeat (same edges), per backend: relational (graph_active_edge), and on a
 *   server with AGE the sql and cypher modes (their time includes the relational refresh they stage
 *   through);
 * - impact: graphImpact k = 3 (both directions) on the 2,000-node graph with 10,000 edges, median of
 *   50 random resources, per backend.
 *
 *   node dist/bench/graph/graph.js [--db pglite,postgres]   (prints a table, appends bench/results/graph.jsonl)
 *   npm run bench -- graph              (the same through the dispatcher)
 *
 * PGlite always; the server too when DATABASE_URL is set (AGE cases when it offers AGE).
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { QuantileSketch } from '../../src/agg/sketch.js';
import { isEnabled } from '../../src/db/capabilities.js';
import { dropAgeGraph } from '../../src/db/graph/age-session.js';
import { graphName } from '../../src/db/graph/graph-name.js';
import { parseAgeRefreshOptions } from '../../src/db/graph/options.js';
import { graphImpact } from '../../src/db/graph/queries.js';
import { refreshActiveGraph } from '../../src/db/graph/refresh.js';
import type { Db } from '../../src/db/types.js';
import { benchDbKinds, openBenchDb } from '../lib/db.js';
import { appendRecords, runInfo, toRecords, type DbKind, type Measurement } from '../lib/record.js';
import { formatTable } from '../lib/table.js';
import { seededRandom } from '../../src/sources/mock/prng.js';

const T = Date.parse('2024-03-01T10:00:00Z');
const MIN = 60_000;
const NODES = 2000;

function prng(seed: number): () => number {
  return seededRandom(seed);
}

interface Seeded {
  tenantId: number;
  code: string;
  ids: number[];
}

/** One tenant, 2,000 resources, `edges` distinct random edges with calls in both buckets before T. */
async function seed(db: Db, edges: number, seedNo: number): Promise<Seeded> {
  const code = `bench_${randomBytes(3).toString('hex')}`;
  const tenantId = (
    await db.query<{ tenant_id: number }>('INSERT INTO dim_tenant(code, name) VALUES ($1, $1) RETURNING tenant_id', [
      code,
    ])
  ).rows[0]!.tenant_id;
  const ids = (
    await db.query<{ resource_id: number }>(
      `INSERT INTO dim_resource(tenant_id, urn, type, name)
       SELECT $1, 'urn:k8s:svc:bench/s' || g, 'k8s_service', 's' || g FROM generate_series(1, $2) g
       RETURNING resource_id`,
      [tenantId, NODES],
    )
  ).rows.map((r) => r.resource_id);
  const rnd = prng(seedNo);
  const pairs = new Set<string>();
  const rows: unknown[][] = [];
  while (pairs.size < edges) {
    const a = ids[Math.floor(rnd() * ids.length)]!;
    const b = ids[Math.floor(rnd() * ids.length)]!;
    const k = `${a}/${b}`;
    if (a === b || pairs.has(k)) continue;
    pairs.add(k);
    for (const bucket of [T - 10 * MIN, T - 5 * MIN]) {
      const s = new QuantileSketch();
      const n = 1 + Math.floor(rnd() * 20);
      for (let i = 0; i < n; i++) s.add(1 + rnd() * 200);
      const errors = Math.floor(rnd() * 2);
      rows.push([
        new Date(bucket),
        tenantId,
        a,
        b,
        n / 300,
        errors / n,
        s.quantile(0.5),
        s.quantile(0.95),
        n,
        errors,
        s.toBytes(),
      ]);
    }
  }
  await db.copyRows(
    'service_call_5m',
    [
      'bucket',
      'tenant_id',
      'src_resource_id',
      'dst_resource_id',
      'rps',
      'err_rate',
      'p50_ms',
      'p95_ms',
      'calls',
      'errors',
      'latency_sketch',
    ],
    rows,
  );
  return { tenantId, code, ids };
}

type Backend = 'relational' | 'age-sql' | 'age-cypher';

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function benchBackend(kind: DbKind, backend: Backend, out: Measurement[]): Promise<void> {
  const b = await openBenchDb(kind);
  const g = graphName(`obbench_${randomBytes(4).toString('hex')}`);
  const age = backend !== 'relational';
  try {
    if (age && !(await isEnabled(b.db, 'age'))) return;
    const opts = parseAgeRefreshOptions({ graph: g, mode: backend === 'age-cypher' ? 'cypher' : 'sql' });
    const w = { from: T - 5 * MIN, to: T };
    let big: Seeded | undefined;
    for (const [i, edges] of [1000, 10_000].entries()) {
      const s = await seed(b.db, edges, 11 + i);
      const run = (): Promise<unknown> => b.db.transaction((tx) => refreshActiveGraph(tx, s.tenantId, w, opts, age));
      const first = await timed(run);
      const repeat = await timed(run);
      const note = `${edges} active edges among ${NODES} resources, 2 buckets each`;
      out.push({
        case: `refresh-${edges}/${backend}`,
        db: kind,
        metric: 'first_run',
        value: Math.round(first),
        unit: 'ms',
        note,
      });
      out.push({
        case: `refresh-${edges}/${backend}`,
        db: kind,
        metric: 'repeat',
        value: Math.round(repeat),
        unit: 'ms',
        note,
      });
      process.stderr.write(
        `graph: ${kind} ${backend} refresh ${edges}: ${first.toFixed(0)} / ${repeat.toFixed(0)} ms\n`,
      );
      big = s;
    }
    if (backend === 'age-cypher' || !big) return; // one impact figure per graph backend
    const rnd = prng(99);
    const times: number[] = [];
    const sizes: number[] = [];
    const readBackend = age ? 'age' : 'relational';
    for (let i = 0; i < 50; i++) {
      const id = big.ids[Math.floor(rnd() * big.ids.length)]!;
      const urn = `urn:k8s:svc:bench/s${big.ids.indexOf(id) + 1}`;
      let n = 0;
      times.push(
        await timed(async () => {
          const r = await graphImpact(b.db, { tenant: big.code, urn, hops: 3 }, { backend: readBackend, graph: g });
          n = (r.upstream?.length ?? 0) + (r.downstream?.length ?? 0);
        }),
      );
      sizes.push(n);
    }
    const note = `k=3, up and down, ${NODES} nodes / 10000 edges, median of 50 resources (median ${median(sizes)} resources found)`;
    out.push({
      case: `impact-k3/${readBackend}`,
      db: kind,
      metric: 'median',
      value: Number(median(times).toFixed(1)),
      unit: 'ms',
      note,
    });
    out.push({
      case: `impact-k3/${readBackend}`,
      db: kind,
      metric: 'max',
      value: Number(Math.max(...times).toFixed(1)),
      unit: 'ms',
      note,
    });
  } finally {
    if (age && (await isEnabled(b.db, 'age'))) await b.db.transaction((tx) => dropAgeGraph(tx, g));
    await b.close();
  }
}

/** `only`: restrict to some database kinds (`--db postgres` on the command line). */
export async function runGraphBench(only?: readonly string[]): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const kind of benchDbKinds(only)) {
    for (const backend of ['relational', 'age-sql', 'age-cypher'] as const) {
      if (kind === 'pglite' && backend !== 'relational') continue; // PGlite has no AGE
      await benchBackend(kind, backend, out);
    }
  }
  return out;
}

if (process.argv[1]?.endsWith('graph.js')) {
  const i = process.argv.indexOf('--db');
  const ms = await runGraphBench(i > 0 ? (process.argv[i + 1] ?? '').split(',') : undefined);
  process.stdout.write(formatTable(ms) + '\n');
  const file = appendRecords('graph', toRecords('graph', ms, runInfo()));
  process.stderr.write(`graph: appended ${ms.length} records to ${file}\n`);
}
