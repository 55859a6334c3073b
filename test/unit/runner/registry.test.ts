import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/errors.js';
import type { JobDefinition } from '../../../src/jobs/job.js';
import { initialLookback, JOB_DEFAULTS, JobRegistry } from '../../../src/jobs/registry.js';
import { buildPairs } from '../../../src/scheduler/pairs.js';
import { testConfig } from '../../helpers/test-jobs.js';

const MIN = 60_000;

function job(name: string, over: Partial<JobDefinition> = {}): JobDefinition {
  return { name, align: 5 * MIN, delay: 2 * MIN, run: async () => ({}), ...over };
}

const calls = job('oo-calls', { alignMultipleOf: 5 * MIN });
const age = job('age-refresh', { after: [{ job: 'oo-calls', lookbehind: 5 * MIN }] });
const metrics = job('oo-metrics', { align: MIN, alignMultipleOf: MIN });

function problems(defs: JobDefinition[], raw: Parameters<typeof testConfig>[0]): string[] {
  try {
    JobRegistry.create(defs, testConfig(raw));
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
}

describe('job registry', () => {
  it('orders jobs so dependencies come first', () => {
    const r = JobRegistry.create([age, metrics, calls], testConfig({}));
    const names = r.jobs.map((j) => j.name);
    assert.ok(names.indexOf('oo-calls') < names.indexOf('age-refresh'));
  });

  it('rejects cycles, unknown dependencies and duplicates', () => {
    assert.match(
      problems(
        [job('a', { after: [{ job: 'b', lookbehind: 0 }] }), job('b', { after: [{ job: 'a', lookbehind: 0 }] })],
        {},
      )[0]!,
      /dependency cycle among a, b/,
    );
    assert.match(problems([age], {})[0]!, /jobs\.age-refresh\.after: unknown job 'oo-calls'/);
    assert.match(problems([calls, calls], {})[0]!, /registered twice/);
  });

  it('checks the config against the jobs, with paths', () => {
    const p = problems([calls, age, metrics], {
      jobs: { 'oo-calls': { align: '90s' }, nope: { enabled: false } },
      tenants: [
        {
          code: 'a',
          source: { kind: 'mock' },
          initial_lookback: { 'oo-agg': '1h', typo: '5m' },
          jobs: { 'oo-metrics': { align: '90s' }, ghost: {} },
        },
      ],
    });
    assert.deepEqual(p.sort(), [
      'jobs.nope: unknown job (known: oo-calls, age-refresh, oo-metrics)',
      'jobs.oo-calls.align: must be a multiple of 5m (got 90s)',
      'tenants[0].initial_lookback.typo: unknown job (use default, a job name or oo-agg)',
      'tenants[0].jobs.ghost: unknown job (known: oo-calls, age-refresh, oo-metrics)',
      'tenants[0].jobs.oo-metrics.align: must be a multiple of 1m (got 90s)',
    ]);
  });

  it('merges defaults < jobs.<name> < tenants[].jobs.<name>', () => {
    const config = testConfig({
      jobs: { 'oo-calls': { align: '10m', retry: { attempts: 7 }, concurrency: 3, revisit: ['1h', '15m'] } },
      tenants: [
        { code: 'a', source: { kind: 'mock' }, jobs: { 'oo-calls': { retry: { base: '1s' }, enabled: false } } },
        { code: 'b', source: { kind: 'mock' }, initial_lookback: { default: '2h', 'oo-agg': '3h' } },
      ],
    });
    const r = JobRegistry.create([calls, age, metrics], config);
    const a = r.settings('oo-calls', 'a');
    assert.deepEqual(a.retry, { ...JOB_DEFAULTS.retry, attempts: 7, base: 1_000 });
    assert.equal(a.align, 10 * MIN);
    assert.equal(a.enabled, false);
    assert.deepEqual(a.revisit, [15 * MIN, 60 * MIN]);
    assert.equal(r.settings('oo-calls', 'b').enabled, true);
    assert.equal(r.jobConcurrency('oo-calls'), 3);
    assert.equal(r.settings('age-refresh', 'b').initialLookback, 2 * 3_600_000);
    assert.equal(r.settings('oo-metrics', 'b').initialLookback, 3 * 3_600_000, 'the oo-agg group applies');
    assert.equal(initialLookback('x', undefined), JOB_DEFAULTS.initialLookback);
    // A dependency disabled for a tenant does not gate its dependents there.
    const pairs = buildPairs(r, [
      { id: 1, code: 'a', name: 'a' },
      { id: 2, code: 'b', name: 'b' },
    ]);
    const ageA = pairs.find((p) => p.def.name === 'age-refresh' && p.tenant.code === 'a')!;
    const ageB = pairs.find((p) => p.def.name === 'age-refresh' && p.tenant.code === 'b')!;
    assert.deepEqual(ageA.after, []);
    assert.deepEqual(ageB.after, [{ job: 'oo-calls', lookbehind: 5 * MIN }]);
    assert.ok(!pairs.some((p) => p.def.name === 'oo-calls' && p.tenant.code === 'a'));
  });
});
