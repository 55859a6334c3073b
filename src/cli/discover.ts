import type { Command } from 'commander';
import { isDuration, parseDuration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import type { Signal } from '../discovery/collector.js';
import { DEFAULT_RANGE_MS, MAX_RANGE_MS } from '../discovery/params.js';
import {
  discoverCarriers,
  discoverCooccurring,
  discoverKeys,
  discoverNames,
  discoverNamespaces,
  SIGNALS,
} from '../discovery/queries.js';
import { readSpan, spanNote, type SpanFields } from '../db/queries/data-span.js';
import type { Db } from '../db/types.js';
import { alignColumns, printJson } from './context.js';
import { common, instantOption, intOption, type QueryOptions, withTenant } from './query.js';

/**
 * `observebridge discover namespaces|names|keys|carriers|cooccurring`: attribute discovery from the
 * command line, through the functions the API uses (`--json` prints the API's shape).
 */
interface DiscoverOptions extends QueryOptions {
  since?: string;
  at?: string;
  signal?: string;
  limit?: string;
}

/** `--since` and `--at`, checked before the database is opened. */
function spanArgs(o: DiscoverOptions): { since: number; at: number | null } {
  const since = o.since === undefined ? DEFAULT_RANGE_MS : isDuration(o.since) ? parseDuration(o.since) : -1;
  if (!(since > 0 && since <= MAX_RANGE_MS)) {
    throw new ConfigError(`discover: --since must be a duration from 1s to 31d, such as 24h (got '${o.since}')`);
  }
  return { since, at: o.at === undefined ? null : instantOption('--at', o.at, 0) };
}

/**
 * [at − since, at) when asked; else the last `since` — or, when discovery saw nothing of the tenant
 * in it, the `since` ending at the newest record it saw (data-span.ts).
 */
function spanOf(db: Db, tenantId: number, a: { since: number; at: number | null }) {
  return readSpan(db, { tenantId, dataset: 'discovery', ...a, now: Date.now() });
}

/** The span line above every table. */
const head = (s: SpanFields) => `${spanNote(s, 'discovery data')}\n`;

function signalOf(o: DiscoverOptions, required: boolean): Signal | null {
  if (o.signal === undefined) {
    if (required) throw new ConfigError(`discover: --signal is required (${SIGNALS.join(', ')})`);
    return null;
  }
  if (!(SIGNALS as readonly string[]).includes(o.signal)) {
    throw new ConfigError(`discover: --signal must be one of ${SIGNALS.join(', ')} (got '${o.signal}')`);
  }
  return o.signal as Signal;
}

function opts(cmd: Command): Command {
  return common(cmd)
    .option('--since <duration>', 'span before --at (at most 31d)', '24h')
    .option(
      '--at <iso>',
      'the span ends here (default now, or the newest discovery data when the last --since holds none)',
    )
    .option('--signal <signal>', `one of ${SIGNALS.join(', ')}`)
    .option('--limit <n>', 'how many rows', '1000');
}

const seen = (r: { first_seen: string; last_seen: string; count: number }) => [
  r.first_seen,
  r.last_seen,
  String(r.count),
];

export function registerDiscover(program: Command): void {
  const d = program
    .command('discover')
    .description('attribute discovery: namespaces, names, keys and values, carriers of key=value, co-occurring keys');

  opts(d.command('namespaces').description('namespaces (services) per signal')).action(async (o: DiscoverOptions) => {
    const a = spanArgs(o);
    const signal = signalOf(o, false);
    const limit = intOption('--limit', o.limit, 1000, 1, 10_000);
    await withTenant(o, async (db, t) => {
      const r = await spanOf(db, t.id, a);
      const namespaces = await discoverNamespaces(db, { tenantId: t.id, ...r, signal, limit });
      if (o.json) printJson({ tenant: t.code, ...r.span, namespaces });
      else
        process.stdout.write(
          head(r.span) +
            alignColumns([
              ['signal', 'namespace', 'names', 'first_seen', 'last_seen', 'count'],
              ...namespaces.map((n) => [n.signal, n.namespace, String(n.names), ...seen(n)]),
            ]),
        );
    });
  });

  opts(
    d.command('names').description('names of a signal in the span').option('--namespace <ns>', 'one namespace'),
  ).action(async (o: DiscoverOptions & { namespace?: string }) => {
    const a = spanArgs(o);
    const signal = signalOf(o, false);
    const limit = intOption('--limit', o.limit, 1000, 1, 10_000);
    await withTenant(o, async (db, t) => {
      const r = await spanOf(db, t.id, a);
      const names = await discoverNames(db, { tenantId: t.id, ...r, signal, namespace: o.namespace ?? null, limit });
      if (o.json) printJson({ tenant: t.code, ...r.span, names });
      else
        process.stdout.write(
          head(r.span) +
            alignColumns([
              ['signal', 'namespace', 'name', 'first_seen', 'last_seen', 'count'],
              ...names.map((n) => [n.signal, n.namespace, n.name, ...seen(n)]),
            ]),
        );
    });
  });

  opts(
    d
      .command('keys <namespace> <name>')
      .description('keys of a name with their most frequent values')
      .option('--key <key>', 'one key only')
      .option('--values <n>', 'values per key', '20'),
  ).action(async (namespace: string, name: string, o: DiscoverOptions & { key?: string; values: string }) => {
    const a = spanArgs(o);
    const signal = signalOf(o, true)!;
    const values = intOption('--values', o.values, 20, 0, 10_000);
    await withTenant(o, async (db, t) => {
      const r = await spanOf(db, t.id, a);
      const keys = await discoverKeys(db, {
        tenantId: t.id,
        ...r,
        signal,
        namespace,
        name,
        key: o.key ?? null,
        values,
      });
      if (o.json) printJson({ tenant: t.code, ...r.span, signal, namespace, name, keys });
      else
        process.stdout.write(
          head(r.span) +
            alignColumns([
              ['key', 'distinct', 'overflow', 'count', 'values'],
              ...keys.map((k) => [
                k.key,
                String(k.distinct_values),
                String(k.values_overflow),
                String(k.count),
                k.values.map((v) => `${v.value}(${v.count})`).join(' '),
              ]),
            ]),
        );
    });
  });

  opts(d.command('carriers <key> <value>').description('which names and namespaces carry key=value')).action(
    async (key: string, value: string, o: DiscoverOptions) => {
      const a = spanArgs(o);
      const signal = signalOf(o, false);
      const limit = intOption('--limit', o.limit, 1000, 1, 10_000);
      await withTenant(o, async (db, t) => {
        const r = await spanOf(db, t.id, a);
        const carriers = await discoverCarriers(db, { tenantId: t.id, ...r, key, value, signal, limit });
        if (o.json) printJson({ tenant: t.code, ...r.span, key, value, carriers });
        else
          process.stdout.write(
            head(r.span) +
              alignColumns([
                ['signal', 'namespace', 'name', 'first_seen', 'last_seen', 'count'],
                ...carriers.map((n) => [n.signal, n.namespace, n.name, ...seen(n)]),
              ]),
          );
      });
    },
  );

  opts(
    d
      .command('cooccurring <key> <value>')
      .description('the other keys and values that occur in the same records as key=value')
      .option('--namespace <ns>', 'one namespace')
      .option('--name <name>', 'one name'),
  ).action(async (key: string, value: string, o: DiscoverOptions & { namespace?: string; name?: string }) => {
    const a = spanArgs(o);
    const signal = signalOf(o, false);
    const limit = intOption('--limit', o.limit, 1000, 1, 10_000);
    await withTenant(o, async (db, t) => {
      const r = await spanOf(db, t.id, a);
      const c = await discoverCooccurring(db, {
        tenantId: t.id,
        ...r,
        key,
        value,
        signal,
        namespace: o.namespace ?? null,
        name: o.name ?? null,
        limit,
      });
      if (o.json) printJson({ tenant: t.code, ...r.span, key, value, ...c });
      else
        process.stdout.write(
          head(r.span) +
            (c.sets_overflow > 0 ? `partial: ${c.sets_overflow} attribute sets over the cap\n` : '') +
            alignColumns([
              ['key', 'values'],
              ...c.keys.map((k) => [k.key, k.values.map((v) => `${v.value}(${v.count})`).join(' ')]),
            ]),
        );
    });
  });
}
