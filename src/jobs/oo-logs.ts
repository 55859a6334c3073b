import { LogsAggregator, type LogPatternRow } from '../agg/logs.js';
import type { Tenant } from '../core/tenant.js';
import type { Window } from '../core/window.js';
import { ooQueryHint, ooString, replaceLocators, type LocatorInput } from '../db/writers/locators.js';
import { patternIds, upsertAliases, upsertPatterns } from '../db/writers/patterns.js';
import { enterWindowWrite } from '../db/writers/chunk-gate.js';
import { ResourceIdCache, upsertResources } from '../db/writers/resources.js';
import { patternTraceRows } from '../correlation/rows.js';
import { replacePatternTraces } from '../db/writers/trace-samples.js';
import { replaceWindowRows } from '../db/writers/window-rows.js';
import { DiscoveryCache } from '../discovery/cache.js';
import { discoveryStage } from '../discovery/stage.js';
import { parsePatternsConfig } from '../patterns/config.js';
import { PARAM } from '../patterns/masking.js';
import type { JobContext, JobDefinition, JobResult } from './job.js';
import { PatternDictionaries } from './pattern-dictionaries.js';
import { feedRecords } from './read-records.js';

const MINUTE = 60_000;

export const LOG_PATTERN_COLUMNS = [
  'bucket',
  'tenant_id',
  'resource_id',
  'fingerprint_id',
  'count_total',
  'count_error',
  'sample_ref',
] as const;

/**
 * oo-logs: log lines of a 5-minute window → pattern dictionary (log_pattern) and per-pattern counts
 * (log_pattern_5m), with a locator per row. Sequential per tenant: the dictionary evolves in window order.
 */
export function ooLogsJob(cache = new ResourceIdCache(), dictionaries?: PatternDictionaries): JobDefinition {
  let dicts = dictionaries;
  // What this job's windows recorded of recent debounce windows (caps a name's sets per debounce window).
  const discovered = new DiscoveryCache();
  return {
    name: 'oo-logs',
    align: 5 * MINUTE,
    delay: 2 * MINUTE,
    alignMultipleOf: 5 * MINUTE,
    sequential: true,
    async run(ctx: JobContext, tenant: Tenant, w: Window): Promise<JobResult> {
      dicts ??= new PatternDictionaries(parsePatternsConfig(ctx.config.patterns ?? {}, 'patterns'));
      const dict = await dicts.get(ctx.db, tenant.id);
      try {
        const corr = ctx.config.correlation;
        const agg = new LogsAggregator(dict, {
          window: w,
          rejects: ctx.stats,
          traceSamples: corr.log_samples,
          businessKeys: corr.attributes,
        });
        const loc = ctx.source(tenant).location(tenant, 'logs');
        const disc = discoveryStage(ctx, 'log', w, { logName: loc.objectKey, cache: discovered });
        const read = await feedRecords(ctx, tenant, 'logs', w, (r) => {
          agg.add(r);
          disc?.add(r);
        });
        const { rows, stats } = agg.finish();
        const changes = dict.changes();

        const { result, ids } = await ctx.db.transaction(async (tx) => {
          await enterWindowWrite(tx, { hypertable: 'log_pattern_5m', window: w }); // before any write: lock order
          const ids = await upsertResources(
            tx,
            tenant.id,
            rows.map((r) => ({ urn: r.resourceUrn, attrs: r.resourceAttrs })),
            new Date(w.to),
            cache,
          );
          const fps = await upsertPatterns(tx, tenant.id, [...changes.created, ...changes.updated]);
          const aliases = await upsertAliases(tx, tenant.id, changes.aliases);
          const missing = [...new Set(rows.map((r) => r.fingerprint))].filter((f) => !fps.has(f));
          if (missing.length > 0) for (const [f, id] of await patternIds(tx, tenant.id, missing)) fps.set(f, id);

          const del = await replaceWindowRows(tx, 'log_pattern_5m', tenant.id, w, LOG_PATTERN_COLUMNS, []);
          const locators = rows.map((r) => patternLocator(r, r.template, loc.bucket, loc.objectKey));
          const refs = await replaceLocators(tx, tenant.id, 'logs', w, locators);
          const n = await tx.copyRows(
            'log_pattern_5m',
            LOG_PATTERN_COLUMNS,
            rows.map((r) => [
              new Date(r.bucket),
              tenant.id,
              ids.get(r.resourceUrn),
              fps.get(r.fingerprint),
              r.countTotal,
              r.countError,
              refs.get(rowKey(r)) ?? null,
            ]),
          );
          const traces = await replacePatternTraces(tx, tenant.id, w, patternTraceRows(rows, ids, fps));
          const discovery = await disc?.write(tx, tenant.id);
          const result: JobResult = {
            recordsRead: { logs: read },
            rejected: ctx.stats.toJSON(),
            rowsWritten: {
              log_pattern_5m: n,
              log_pattern: changes.created.length + changes.updated.length,
              log_pattern_alias: aliases,
              oo_locator: locators.length,
              log_pattern_trace_5m: traces,
            },
            replaced: del.deleted,
            patternsCreated: changes.created.length,
            patterns: stats.patterns,
            errorLines: stats.errors,
            ...(discovery ? { discovery } : {}),
          };
          await ctx.complete(tx, result);
          return { result, ids };
        });
        dict.markPersisted();
        cache.commit(tenant.id, ids);
        disc?.committed();
        return result;
      } catch (e) {
        dicts.drop(tenant.id); // the in-memory dictionary holds unpersisted state: reload next time
        throw e;
      }
    },
  };
}

function rowKey(r: LogPatternRow): string {
  return `${r.bucket}\u0000${r.resourceUrn}\u0000${r.fingerprint}`;
}

/** The longest run of constant words in a template: a selective full-text needle for OO. */
export function longestLiteral(template: string): string {
  let best = '';
  let run: string[] = [];
  for (const tok of [...template.split(' '), PARAM]) {
    if (tok === PARAM || tok.includes(PARAM)) {
      const s = run.join(' ');
      if (s.length > best.length) best = s;
      run = [];
    } else run.push(tok);
  }
  return best;
}

function patternLocator(r: LogPatternRow, template: string, bucket: string, stream: string): LocatorInput {
  const conds: string[] = [];
  if (r.service) conds.push(`service_name = ${ooString(r.service)}`);
  const needle = longestLiteral(template);
  if (needle) conds.push(`str_match(body, ${ooString(needle)})`);
  return {
    key: rowKey(r),
    dataset: 'logs',
    bucket,
    objectKey: stream,
    tFrom: r.bucket,
    tTo: r.bucket + 5 * MINUTE,
    queryHint: ooQueryHint(stream, conds),
    attributes: {
      kind: 'pattern',
      fingerprint: r.fingerprint,
      resource: r.resourceUrn,
      sample_trace_ids: r.sampleTraceIds,
    },
  };
}
