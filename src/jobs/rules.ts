import type { Tenant } from '../core/tenant.js';
import type { Window } from '../core/window.js';
import { historyRules } from '../rules/store/baseline.js';
import { RuleBook } from '../rules/book.js';
import { evaluateRules, rowRanges } from '../rules/evaluate.js';
import { advance } from '../rules/lifecycle.js';
import { loadPrevState, loadRows, metricLocators } from '../rules/store/read.js';
import { resolveRemovedRules } from '../rules/store/orphans.js';
import { writeWindow } from '../rules/store/write.js';
import type { JobContext, JobDefinition, JobResult } from './job.js';

const MINUTE = 60_000;
/** How far back the previous state of a key is looked up (an open event older than this is left as is). */
export const STATE_HORIZON = 24 * 60 * MINUTE;

export interface RulesJobDefinition extends JobDefinition {
  /** The rules this process evaluates; reloaded by SIGHUP and POST /api/rules/reload. */
  book: RuleBook;
}

/** Per-rule figures of one window, for /metrics (observebridge_rule_*). */
export interface RulesWindowStats {
  evaluated: number;
  firing: Record<string, number>;
  opened: Record<string, number>;
  resolved: Record<string, number>;
  /** Evaluation time per rule in ms (pure evaluation, rows already read). */
  eval_ms: Record<string, number>;
  errors: Record<string, string>;
  /** Where the window's time went: reading rows and state, pure evaluation, writing (with locators). */
  phase_ms?: { read: number; evaluate: number; write: number };
}

const ms = (x: number): number => Math.round(x * 10) / 10;

/**
 * rules: evaluates the configured rules over the summaries for one 1-minute window and writes the
 * event lifecycle (rule_state, event_envelope, evidence_link) in one transaction.
 *
 * Windows and gating: a rule over a 5-minute table is evaluated in the rules window that ends on the
 * bucket's end, over complete buckets only. `after` each summary job with lookbehind 0 makes a rules
 * window wait for the summary windows that cover it: for a 1-minute window that includes the
 * 5-minute oo-calls/oo-logs window around it, so whatever a rules window reads is final. The delay is
 * the summary jobs' 2m plus 4m: the newest rules window then never ends after the newest 5-minute
 * window due (floor(now − 6m, 1m) ≤ floor(now − 2m, 5m)), and `run --once` never waits on a bucket
 * that is not due yet.
 *
 * Sequential per tenant: each window derives its lifecycle from the previous window's state rows.
 */
export function rulesJob(book: RuleBook = new RuleBook()): RulesJobDefinition {
  return {
    name: 'rules',
    align: MINUTE,
    delay: 6 * MINUTE,
    alignMultipleOf: MINUTE,
    after: [
      { job: 'oo-metrics', lookbehind: 0 },
      { job: 'oo-calls', lookbehind: 0 },
      { job: 'oo-logs', lookbehind: 0 },
    ],
    sequential: true,
    // Without a rules section the job has nothing to evaluate: it is not scheduled (a reload that adds
    // the first rules needs a restart to schedule it; jobs.rules.enabled: true schedules it anyway).
    enabledByDefault: (config) => Array.isArray(config.rules) && config.rules.length > 0,
    book,
    async run(ctx: JobContext, tenant: Tenant, w: Window): Promise<JobResult> {
      const set = book.current(ctx.config);
      const rules = book.forTenant(ctx.config, tenant.code);
      // Baselines with an exact SQL counterpart are computed in the database (store/baseline.ts; the
      // same values as in memory, pinned by test/integration/rules/baseline-sql.test.ts): their
      // history rows — five in six rows of a 5-point baseline — are never shipped to Node.
      const inDb = historyRules(rules, w);
      const need = rowRanges(rules, w, inDb);
      return ctx.db.transaction(async (tx) => {
        const t0 = performance.now();
        const { source, read } = await loadRows(tx, tenant.id, rules, need, w.to, inDb);
        const prev = await loadPrevState(tx, tenant.id, w.from, STATE_HORIZON);
        const t1 = performance.now();
        const evals = evaluateRules(rules, w, source, () => performance.now());
        const t2 = performance.now();
        await metricLocators(
          tx,
          tenant.id,
          evals.flatMap((ev) => [...ev.groups.values()].flatMap((g) => (g.firing ? g.evidence : []))),
        );
        const stats: RulesWindowStats = { evaluated: 0, firing: {}, opened: {}, resolved: {}, eval_ms: {}, errors: {} };
        const changes = [];
        for (const ev of evals) {
          if (!ev.evaluated) continue;
          stats.evaluated++;
          stats.eval_ms[ev.rule.id] = Math.round(ev.ms * 1000) / 1000;
          if (ev.error !== undefined) {
            // The rule's state carries over (no rows this window); the other rules are written.
            stats.errors[ev.rule.id] = ev.error;
            ctx.logger.warn({ rule: ev.rule.id, err: ev.error }, 'rule evaluation failed; other rules continue');
            continue;
          }
          let firing = 0;
          for (const g of ev.groups.values()) if (g.firing) firing++;
          if (firing > 0) stats.firing[ev.rule.id] = firing;
          changes.push({
            rule: ev.rule,
            changes: advance(ev.rule, tenant.id, w.from, ev.groups, prev.get(ev.rule.id) ?? new Map()),
          });
        }
        const written = await writeWindow(tx, {
          tenantId: tenant.id,
          window: w,
          changes,
          pruneBefore: w.from - STATE_HORIZON,
        });
        stats.opened = written.opened;
        stats.phase_ms = { read: ms(t1 - t0), evaluate: ms(t2 - t1), write: ms(performance.now() - t2) };
        stats.resolved = written.resolved;
        // After the window's own writes: an event this window just wrote is of a rule that stays.
        const removed = await resolveRemovedRules(tx, tenant.id, w, [...rules.map((r) => r.id), ...(set.held ?? [])]);
        for (const [id, n] of Object.entries(removed)) stats.resolved[id] = (stats.resolved[id] ?? 0) + n;
        const result: JobResult = {
          recordsRead: read,
          rowsWritten: { rule_state: written.states, evidence_link: written.links },
          rules: stats,
          events: {
            opened: Object.values(written.opened).reduce((a, b) => a + b, 0),
            updated: written.updated,
            resolved: Object.values(written.resolved).reduce((a, b) => a + b, 0),
            dropped: written.dropped,
          },
          ...(set.problems.length > 0 ? { rule_problems: set.problems } : {}),
        };
        await ctx.complete(tx, result);
        return result;
      });
    },
  };
}
