/**
 * Scenario 7 — detection over a day (issue 14, "Must show"). 24 hours of mock data for the demo's two
 * tenants (configs/demo.yaml: globex with the orders-db incident, acme healthy), the summary jobs the
 * demo rules read (oo-calls → service_call_5m, oo-metrics → metric_1m) and the rules job over every
 * 1-minute window of the day, with configs/demo.yaml's rules. The demo's incident is open-ended; this
 * scenario bounds it to two hours of the day, and every assertion reads its start, end and dependency
 * back from the mock source that generated the data.
 *
 * Asserted: an event on the incident's dependency opens within 2 rule windows (the rule's bucket) of
 * the start and every event on it is resolved within 3 windows of the end; acme has 0 events.
 * Printed: per rule, events during the incident and false positives (any other event).
 *
 * Cost: the summary jobs run in 1-hour windows (their rows are per bucket whatever the window), the
 * rules job in its own 1-minute windows; the mock runs at a reduced scale (SCALE) that still gives the
 * edges more calls per bucket than the rules' guards need.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import type { Tenant } from '../../src/core/tenant.js';
import { listEvents, type EventSummary } from '../../src/db/queries/events.js';
import { ooCallsJob } from '../../src/jobs/oo-calls.js';
import { ooMetricsJob } from '../../src/jobs/oo-metrics.js';
import { rulesJob } from '../../src/jobs/rules.js';
import { RuleBook } from '../../src/rules/book.js';
import { parseRules, type Rule } from '../../src/rules/config.js';
import { mockConfigSchema } from '../../src/sources/mock/config.js';
import { MockSource } from '../../src/sources/mock/mock-source.js';
import { drivers, openTestDb, type TestDb } from '../helpers/db.js';
import { runWindow, seedTenants } from '../helpers/job-harness.js';
import { repoRoot } from '../helpers/paths.js';

const M = 60_000;
const H = 60 * M;
const DAY = Date.parse('2026-06-10T00:00:00Z');
/**
 * Mock volume relative to the demo's (1000 spans, 500 metric points per minute): at 0.5 the
 * orders → orders-db edge has ~30 calls per bucket, above the demo rules' guard (20); at 0.25 it has
 * 11–18 and the edge rules cannot fire (that run detected the incident 40 minutes late).
 */
const SCALE = 0.5;

const demo = loadConfig(join(repoRoot, 'configs', 'demo.yaml'), {}).config;

function demoSource(code: string, extra: Record<string, unknown> = {}): MockSource {
  const t = demo.tenants.find((x) => x.code === code);
  assert.ok(t, `configs/demo.yaml has tenant ${code}`);
  const raw = (typeof t.source === 'string' ? demo.sources[t.source] : t.source) as Record<string, unknown>;
  return new MockSource(mockConfigSchema.parse({ ...raw, scale: SCALE, ...extra }));
}

const demoIncident = (): Record<string, unknown> => {
  const t = demo.tenants.find((x) => x.code === 'globex')!;
  const raw = t.source as { incident?: Record<string, unknown> };
  assert.ok(raw.incident, 'configs/demo.yaml: globex has the incident');
  return raw.incident;
};

const sources: Record<string, MockSource> = {
  acme: demoSource('acme'),
  // The demo's incident, bounded to 10:00–12:00 of the day.
  globex: demoSource('globex', { incident: { ...demoIncident(), from: DAY + 10 * H, to: DAY + 12 * H } }),
};

/**
 * The scenario takes minutes (on the 2-core machine under load: ~7 min per tenant, mostly oo-calls
 * over 720,000 spans), so the default suite skips it, visibly, with this reason.
 */
const LONG = process.env.OBSERVEBRIDGE_LONG_TESTS === '1';
const skip = LONG ? false : 'long (minutes per driver): set OBSERVEBRIDGE_LONG_TESTS=1 to run it';

for (const driver of drivers()) {
  describe(`detection over 24 hours of mock data (${driver})`, { skip }, () => {
    let t: TestDb;
    let tenants: Tenant[];
    let rules: Rule[];
    const byTenant = new Map<string, EventSummary[]>();

    before(async () => {
      t = await openTestDb(driver);
      tenants = await seedTenants(t.db, ['acme', 'globex']);
      const set = parseRules(demo.rules);
      assert.deepEqual(set.problems, [], 'the demo rules load');
      rules = set.rules;
      const calls = ooCallsJob();
      const metrics = ooMetricsJob();
      const rulesDef = rulesJob(new RuleBook({ set }));
      const started = performance.now();
      for (const tenant of tenants) {
        const source = sources[tenant.code]!;
        const t0 = performance.now();
        for (let h = DAY; h < DAY + 24 * H; h += H) {
          await runWindow(t.db, calls, tenant, { from: h, to: h + H }, source);
        }
        const t1 = performance.now();
        for (let h = DAY; h < DAY + 24 * H; h += H) {
          await runWindow(t.db, metrics, tenant, { from: h, to: h + H }, source);
        }
        const t2 = performance.now();
        for (let m = DAY; m < DAY + 24 * H; m += M) {
          await runWindow(t.db, rulesDef, tenant, { from: m, to: m + M }, source);
        }
        console.log(
          `# ${tenant.code}: calls ${Math.round(t1 - t0)} ms, metrics ${Math.round(t2 - t1)} ms, rules ${Math.round(performance.now() - t2)} ms`,
        );
        const all: EventSummary[] = [];
        let after: [number, string] | null = null;
        for (;;) {
          const page = await listEvents(t.db, { tenantId: tenant.id, limit: 1000, after });
          all.push(...page.events);
          if (!page.next) break;
          after = page.next;
        }
        byTenant.set(tenant.code, all);
      }
      console.log(
        `# ${driver}: 2 tenants × 24 h (summary jobs + rules) in ${Math.round(performance.now() - started)} ms`,
      );
    });
    after(() => t?.close());

    it('opens an event on the incident within 2 windows of its start and resolves it within 3 of its end', () => {
      const inc = sources.globex!.incident;
      assert.ok(inc?.from !== undefined && inc.to !== undefined, 'the scenario bounds the incident');
      const events = byTenant.get('globex')!;
      const onDep = events.filter((e) => aboutDependency(e, inc.dependency));
      assert.ok(onDep.length > 0, `an event on ${inc.dependency}; got ${events.map(describeEvent).join('; ')}`);
      const first = Math.min(...onDep.map((e) => Date.parse(e.detected_at)));
      const every = Math.min(...onDep.map((e) => ruleOf(rules, e).every));
      assert.ok(
        first <= inc.from + 2 * every,
        `detected at ${iso(first)}, incident from ${iso(inc.from)} (at most 2 windows of ${every / M}m)`,
      );
      assert.ok(first >= inc.from, `not before the incident (${iso(first)})`);
      console.log(`# incident ${iso(inc.from)}–${iso(inc.to)}: ${onDep.map(describeEvent).join('; ')}`);
      for (const e of onDep) {
        assert.equal(e.status, 'resolved', `${describeEvent(e)} is resolved`);
        const w = ruleOf(rules, e).every;
        assert.ok(
          Date.parse(e.resolved_at!) <= inc.to + 3 * w,
          `${describeEvent(e)} resolved at ${e.resolved_at}, incident to ${iso(inc.to)} (at most 3 windows)`,
        );
      }
    });

    it('opens no event on the healthy tenant, and reports false positives per rule', () => {
      const inc = sources.globex!.incident!;
      const counts: Record<string, { incident: number; false_positive: number }> = {};
      for (const r of rules) counts[r.id] = { incident: 0, false_positive: 0 };
      for (const [code, events] of byTenant) {
        for (const e of events) {
          const w = ruleOf(rules, e).every;
          const during =
            code === 'globex' && Date.parse(e.detected_at) >= inc.from! && Date.parse(e.detected_at) <= inc.to! + 3 * w;
          counts[e.rule_id!]![during ? 'incident' : 'false_positive']++;
          if (!during) console.log(`# false positive (${code}): ${describeEvent(e)}`);
        }
      }
      console.log(`# events per rule (${driver}): ${JSON.stringify(counts)}`);
      assert.deepEqual(byTenant.get('acme')!.map(describeEvent), [], 'the healthy tenant opens no event');
    });
  });
}

function ruleOf(rules: Rule[], e: EventSummary): Rule {
  const r = rules.find((x) => x.id === e.rule_id);
  assert.ok(r, `event of a known rule (${e.rule_id})`);
  return r;
}

function aboutDependency(e: EventSummary, dependency: string): boolean {
  const g = e.group as Record<string, unknown> | null;
  const dst = typeof g?.dst === 'string' ? g.dst : (e.resource?.urn ?? '');
  return dst.includes(dependency);
}

function describeEvent(e: EventSummary): string {
  return `${e.rule_id} ${JSON.stringify(e.group)} ${e.detected_at}–${e.resolved_at ?? 'open'} (${e.windows} windows, ${e.flaps} flaps)`;
}

const iso = (ms: number): string => new Date(ms).toISOString();
