import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { DEFAULT_GRAPH, graphName, type GraphName } from './graph-name.js';

/** How the AGE graph is written when AGE is present (the relational table is always written). */
export type AgeRefreshMode = 'sql' | 'cypher';

export const ageRefreshOptionsSchema = z
  .object({
    /**
     * `sql`: set-based upserts and deletes straight on the label tables (tests show the same graph as
     * `cypher`, ~10× faster on 10k edges). `cypher`: the portable MERGE form, in batches.
     * @defaultValue 'sql'
     */
    mode: z.enum(['sql', 'cypher']).default('sql'),
    /** AGE graph name. @defaultValue 'ops' */
    graph: z.string().default(DEFAULT_GRAPH),
    /** Also mirror the topology edges open at the window's end as :STRUCT {relation}. @defaultValue false */
    with_topology: z.boolean().default(false),
    /** Rows per Cypher statement (AGE MERGE is much faster in batches of ~1,000 than in one). @defaultValue 1000 */
    batch_size: z.number().int().min(1).max(100_000).default(1000),
  })
  .strict();

export interface AgeRefreshOptions {
  mode: AgeRefreshMode;
  graph: GraphName;
  withTopology: boolean;
  batchSize: number;
}

/** Validates `jobs.age-refresh.options` once, at the edge; problems name their config path. */
export function parseAgeRefreshOptions(raw: unknown, where = 'jobs.age-refresh.options'): AgeRefreshOptions {
  const r = ageRefreshOptionsSchema.safeParse(raw ?? {});
  if (!r.success) {
    const problems = r.error.issues.map((i) => `config: ${[where, ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new ConfigError(problems.join('; '), problems);
  }
  return {
    mode: r.data.mode,
    graph: graphName(r.data.graph, `${where}.graph`),
    withTopology: r.data.with_topology,
    batchSize: r.data.batch_size,
  };
}
