import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitWords } from '../../../src/ops/executor/adapters.js';
import { actionRisk, decide, inChangeWindow } from '../../../src/ops/gatekeeper.js';
import { planProblems, validatePlan, type ChangePlan } from '../../../src/ops/plan-schema.js';
import { TEMPLATES } from '../../../src/ops/planner/templates.js';
import { parseIfMatch } from '../../../src/ops/routes.js';
import { opsSettings } from '../../../src/ops/settings.js';

const plan = (over: Partial<ChangePlan> = {}): ChangePlan => ({
  title: 't',
  risk_score: 0.1,
  steps: [{ action: 'noop', timeout_s: 10, retry: 0 }],
  rollback: {},
  verify: { checks: [{ scope: 'tenant', p95_ms_max: 100 }] },
  ...over,
});

describe('ops: ChangePlan schema and the completeness guard', () => {
  it('accepts every template, for a hand-made case and for an edge case', () => {
    for (const [name, t] of Object.entries(TEMPLATES)) {
      for (const source of [{}, { edge: { src: 'urn:k8s:svc:shop/checkout', dst: 'urn:db:postgres:main/orders' } }]) {
        const p = t({ tenant: 'acme', title: 'x', source });
        assert.deepEqual(validatePlan(p), { ok: true, plan: p }, name);
        assert.deepEqual(planProblems(p), [], name);
      }
    }
  });

  it('rejects what the seed forbids, naming the path', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...plan(), steps: [] }, /\/steps: must NOT have fewer than 1 items/],
      [plan({ steps: [{ action: 'noop', timeout_s: 5, retry: 0 }] }), /\/steps\/0\/timeout_s: must be >= 10/],
      [plan({ steps: [{ action: 'noop', timeout_s: 10, retry: 4 }] }), /\/steps\/0\/retry: must be <= 3/],
      [
        plan({ steps: [{ action: 'rm -rf', timeout_s: 10, retry: 0 } as never] }),
        /\/steps\/0\/action: must be equal to one of the allowed values/,
      ],
      [
        { title: 't', steps: [{ action: 'noop', timeout_s: 10, retry: 0 }], verify: {} },
        /must have required property 'rollback'/,
      ],
      [{ ...plan(), risk_score: 2 }, /\/risk_score: must be <= 1/],
      ['not an object', /must be object/],
    ];
    for (const [p, re] of cases) {
      const v = validatePlan(p);
      assert.equal(v.ok, false);
      assert.match((v as { errors: string[] }).errors.join('\n'), re);
    }
  });

  it('guard: a risky step needs a risk score; an empty verify block is not a verification', () => {
    const { risk_score: _, ...noRisk } = plan({ steps: [{ action: 'script.exec', timeout_s: 10, retry: 0 }] });
    assert.match(planProblems(noRisk).join(), /risk_score: required when a step is risky \(steps 0\)/);
    assert.match(planProblems(plan({ verify: {} })).join(), /verify: must say what to check/);
  });
});

describe('ops: Gatekeeper policy', () => {
  const s = opsSettings({
    gatekeeper: {
      auto_approve_below: 0.5,
      tenants: { locked: { allowed_actions: ['noop'] } },
      change_windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }],
      freeze: [{ from: '2026-12-24T00:00:00Z', to: '2026-12-27T00:00:00Z' }],
    },
  });
  const wedNoon = Date.parse('2026-12-02T12:00:00Z');

  it('auto-approves below the threshold, sends the rest to a human', () => {
    assert.equal(decide(s, 'acme', plan(), wedNoon).outcome, 'approved');
    const risky = plan({ risk_score: 0.2, steps: [{ action: 'gateway.flip', timeout_s: 10, retry: 0 }] });
    const d = decide(s, 'acme', risky, wedNoon);
    assert.equal(d.outcome, 'manual');
    assert.equal(d.risk, 0.5, 'the action score wins over a lower self-declared one');
  });

  it('rejects actions the tenant may not use, changes outside windows and inside freezes', () => {
    const k8s = plan({ steps: [{ action: 'k8s.rollout', timeout_s: 10, retry: 0 }] });
    assert.match(
      decide(s, 'locked', k8s, wedNoon).reasons.join(),
      /not allowed for tenant locked \(step 0: k8s.rollout\)/,
    );
    assert.match(
      decide(s, 'acme', plan(), Date.parse('2026-12-02T19:00:00Z')).reasons.join(),
      /outside every change window/,
    );
    assert.match(
      decide(s, 'acme', plan(), Date.parse('2026-12-05T12:00:00Z')).reasons.join(),
      /outside every change window/,
      'Saturday',
    );
    assert.match(
      decide(s, 'acme', plan(), Date.parse('2026-12-24T12:00:00Z')).reasons.join(),
      /inside a change freeze/,
    );
  });

  it('windows wrapping midnight belong to the day they start', () => {
    const w = [{ days: ['fri'], from: '22:00', to: '02:00' }];
    assert.equal(inChangeWindow(w, Date.parse('2026-12-04T23:00:00Z')), true, 'Fri 23:00');
    assert.equal(inChangeWindow(w, Date.parse('2026-12-05T01:00:00Z')), true, 'Sat 01:00 is Friday night');
    assert.equal(inChangeWindow(w, Date.parse('2026-12-06T01:00:00Z')), false, 'Sun 01:00 is Saturday night');
  });

  it('scores the riskiest step plus 0.1 per further risky step', () => {
    const steps = [
      { action: 'k8s.rollout' as const, timeout_s: 10, retry: 0 },
      { action: 'script.exec' as const, timeout_s: 10, retry: 0 },
      { action: 'noop' as const, timeout_s: 10, retry: 0 },
    ];
    assert.equal(actionRisk(plan({ steps })).toFixed(2), '0.45');
  });
});

describe('ops: small parsers', () => {
  it('splits a script into words without a shell', () => {
    assert.deepEqual(splitWords(`echo "a b" 'c d' $HOME;rm`), ['echo', 'a b', 'c d', '$HOME;rm']);
  });
  it('reads If-Match as a version', () => {
    assert.equal(parseIfMatch('"3"'), 3);
    assert.equal(parseIfMatch('W/"12"'), 12);
    assert.equal(parseIfMatch('7'), 7);
    assert.equal(parseIfMatch('*'), undefined);
    assert.throws(() => parseIfMatch('"abc"'), /If-Match: must be the case version/);
  });
});
