import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CASE_EVENTS, CASE_STATES, decide, eventsFrom, type CaseState } from '../../../src/ops/fsm.js';

/** The seed's diagram (001 §4), written out independently of src/ops/fsm.ts. */
const DIAGRAM: ReadonlyArray<[string, string, string]> = [
  ['NEW', 'start_analysis', 'ANALYZING'],
  ['ANALYZING', 'analysis_done', 'PLANNING'],
  ['PLANNING', 'plan_ready', 'WAIT_GATE'],
  ['WAIT_GATE', 'gate_approved', 'EXECUTING'],
  ['WAIT_GATE', 'gate_rejected', 'PARKED'],
  ['EXECUTING', 'exec_done', 'VERIFYING'],
  ['EXECUTING', 'exec_failed', 'PARKED'],
  ['VERIFYING', 'verify_pass', 'CLOSED'],
  ['VERIFYING', 'verify_failed', 'PARKED'],
  ['PARKED', 'resume', 'PLANNING'],
  ['PARKED', 'fix', 'PLANNING'],
];
const edge = (from: string, event: string): string | undefined =>
  DIAGRAM.find((e) => e[0] === from && e[1] === event)?.[2];

describe('ops FSM (seed 001 §4)', () => {
  it('allows exactly the diagram edges: every (state, event) pair checked', () => {
    for (const s of CASE_STATES) {
      for (const e of CASE_EVENTS) {
        const d = decide(s, e);
        const want = edge(s, e);
        if (want === undefined) assert.equal(d.allowed, false, `${s} --${e}--> should be illegal`);
        else assert.deepEqual(d, { allowed: true, next: want }, `${s} --${e}-->`);
      }
    }
  });

  it('property: no sequence of events leaves the diagram; CLOSED is terminal; refused events change nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CASE_EVENTS), { maxLength: 60 }), (events) => {
        let s: CaseState = 'NEW';
        let closed = false;
        for (const e of events) {
          const d = decide(s, e);
          if (!d.allowed) continue; // refused: the state stays
          assert.equal(closed, false, 'nothing may leave CLOSED');
          assert.equal(edge(s, e), d.next, `${s} --${e}--> ${d.next} is not in the diagram`);
          s = d.next;
          if (s === 'CLOSED') closed = true;
        }
        assert.ok((CASE_STATES as readonly string[]).includes(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: only a path through WAIT_GATE → EXECUTING → VERIFYING reaches CLOSED', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CASE_EVENTS), { maxLength: 60 }), (events) => {
        const path: CaseState[] = ['NEW'];
        for (const e of events) {
          const d = decide(path[path.length - 1]!, e);
          if (d.allowed) path.push(d.next);
        }
        const i = path.indexOf('CLOSED');
        if (i >= 0) {
          assert.equal(path[i - 1], 'VERIFYING');
          assert.equal(path[i - 2], 'EXECUTING');
          assert.equal(path[i - 3], 'WAIT_GATE');
          assert.equal(i, path.length - 1, 'CLOSED is the last state');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('names the legal events of a state (for error messages)', () => {
    assert.deepEqual(eventsFrom('WAIT_GATE').sort(), ['gate_approved', 'gate_rejected']);
    assert.deepEqual(eventsFrom('CLOSED'), []);
  });
});
