import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RejectStats } from '../../../src/core/reject-stats.js';
import { parseJsonKeepingBigInts } from '../../../src/sources/normalize/json-bigint.js';
import { logFromOoRow, metricFromOoRow, spanFromOoRow } from '../../../src/sources/normalize/oo-rows.js';
import { logsFromOtlp, metricsFromOtlp, spansFromOtlp } from '../../../src/sources/normalize/otlp.js';
import { recordFromJson } from '../../../src/sources/normalize/record-json.js';

/**
 * 10,000 random malformed records through each normalizer: none may throw, none may come out,
 * and every one must be counted exactly once.
 */
const N = 10_000;
const SEED = 20240610;

type Obj = Record<string, unknown>;
/** A field change that makes a record invalid: delete it, or give it a wrong value. */
type Corruption = [field: string, value: unknown | typeof DELETE];
const DELETE = Symbol('delete');

const junk = fc.dictionary(
  fc
    .string({ maxLength: 8 })
    .filter(
      (k) =>
        !/^(_|trace|span|operation|start|end|duration|value|kind|name|body|resource|attrs|labels|ts|severity|service)/.test(
          k,
        ),
    ),
  fc.oneof(
    fc.string(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.bigInt(),
  ),
  { maxKeys: 4 },
);
const notObject = fc.oneof(
  fc.string(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 3 }),
);
const badTime = fc.oneof(
  fc.constant(DELETE),
  fc.constant(null),
  fc.string().filter((s) => !/^\d+$/.test(s)),
  fc.integer({ max: 0 }),
  fc.constant({}),
  fc.constant(true),
  fc.constant(1e30),
  fc.constant('NaN'),
);
const badId = fc.oneof(
  fc.constant(DELETE),
  fc.constant(''),
  fc.integer(),
  fc.constant({}),
  fc.constant(true),
  fc.constant(null),
);

function corrupt(base: Obj, c: Corruption, extra: Obj): Obj {
  const o: Obj = { ...extra, ...base };
  if (c[1] === DELETE) delete o[c[0]];
  else o[c[0]] = c[1];
  return o;
}

function malformed(base: Obj, corruptions: fc.Arbitrary<Corruption>): unknown[] {
  const arb = fc.oneof(
    { weight: 1, arbitrary: notObject },
    { weight: 9, arbitrary: fc.tuple(corruptions, junk).map(([c, j]) => corrupt(base, c, j)) },
  );
  return fc.sample(arb, { numRuns: N, seed: SEED });
}

function check(name: string, inputs: unknown[], normalize: (x: unknown, stats: RejectStats) => unknown): void {
  it(`${name}: ${N} malformed inputs, no throw, every one counted`, () => {
    const stats = new RejectStats();
    let out = 0;
    for (const x of inputs) {
      const before = stats.total;
      if (normalize(x, stats) !== undefined) out++;
      assert.equal(
        stats.total,
        before + 1,
        `not counted exactly once: ${String(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))}`,
      );
    }
    assert.equal(out, 0);
    assert.equal(stats.total, N);
  });
}

const T = 1718000000123456;
const ooSpan: Obj = {
  _timestamp: T,
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  span_id: '00f067aa0ba902b7',
  span_kind: '2',
  operation_name: 'GET /x',
  start_time: '1718000000123456789',
  end_time: '1718000000373456789',
  duration: 250000,
};
const ooLog: Obj = { _timestamp: T, body: 'hello', severity: 'INFO' };
const ooMetric: Obj = { _timestamp: T, __name__: 'cpu', value: 0.5 };

describe('fuzz: OO row normalizers', () => {
  check(
    'traces row',
    malformed(
      ooSpan,
      fc.oneof(
        badTime.map((v): Corruption => ['_timestamp', v]),
        badId.map((v): Corruption => ['trace_id', v]),
        badId.map((v): Corruption => ['span_id', v]),
        fc
          .oneof(fc.constant('sideways'), fc.constant(9), fc.constant(2.5), fc.constant({}))
          .map((v): Corruption => ['span_kind', v]),
        fc.oneof(fc.constant(DELETE), fc.integer(), fc.constant(null)).map((v): Corruption => ['operation_name', v]),
        fc
          .oneof(fc.constant('soon'), fc.constant(-1), fc.constant({}), fc.constant('-5'))
          .map((v): Corruption => ['start_time', v]),
        fc
          .oneof(fc.constant(1), fc.constant('x'), fc.constant('1718000000000000000'))
          .map((v): Corruption => ['end_time', v]),
      ),
    ),
    spanFromOoRow,
  );
  check(
    'traces row without end_time: absurd durations',
    malformed(
      { ...ooSpan, end_time: undefined },
      fc
        .oneof(fc.constant('NaN'), fc.constant('Infinity'), fc.constant(-100), fc.constant(DELETE), fc.constant('abc'))
        .map((v): Corruption => ['duration', v]),
    ),
    spanFromOoRow,
  );
  check(
    'logs row',
    malformed(
      ooLog,
      badTime.map((v): Corruption => ['_timestamp', v]),
    ),
    logFromOoRow,
  );
  check(
    'metrics row',
    malformed(
      ooMetric,
      fc.oneof(
        badTime.map((v): Corruption => ['_timestamp', v]),
        fc.oneof(fc.constant(DELETE), fc.constant(''), fc.integer()).map((v): Corruption => ['__name__', v]),
        fc
          .oneof(
            fc.constant(DELETE),
            fc.constant(null),
            fc.constant('abc'),
            fc.constant('NaN'),
            fc.constant('-Infinity'),
            fc.constant({}),
            fc.constant(true),
          )
          .map((v): Corruption => ['value', v]),
      ),
    ),
    (x, s) => metricFromOoRow(x, s),
  );
});

describe('fuzz: own-record JSON and OTLP normalizers', () => {
  const span: Obj = {
    kind: 'span',
    traceId: 't',
    spanId: 's',
    spanKind: 'server',
    start: 1,
    end: 2,
    error: false,
    name: 'n',
    attrs: {},
    resource: { attrs: {} },
  };
  check(
    'record JSON',
    malformed(
      span,
      fc.oneof(
        fc.oneof(fc.constant('trace'), fc.constant(DELETE), fc.integer()).map((v): Corruption => ['kind', v]),
        badId.map((v): Corruption => ['traceId', v]),
        badId.map((v): Corruption => ['spanId', v]),
        fc.oneof(fc.constant('Server'), fc.constant(2), fc.constant(DELETE)).map((v): Corruption => ['spanKind', v]),
        badTime.filter((v) => v !== 1e30).map((v): Corruption => ['start', v === 'NaN' ? 'x' : v]),
        fc
          .oneof(fc.constant(0), fc.constant(-1), fc.constant('x'), fc.constant(DELETE))
          .map((v): Corruption => ['end', v]),
        fc.oneof(fc.constant('x'), fc.constant([1]), fc.constant(7)).map((v): Corruption => ['attrs', v]),
        fc.oneof(fc.constant('x'), fc.constant({ attrs: 5 })).map((v): Corruption => ['resource', v]),
      ),
    ).map((x) => x),
    (x, s) =>
      typeof x === 'object' && x !== null && !Array.isArray(x)
        ? recordFromJson(x as Obj, s)
        : (s.reject('not_object'), undefined),
  );

  const otlpSpan: Obj = {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    name: 'x',
    kind: 2,
    startTimeUnixNano: '1718000000000000000',
    endTimeUnixNano: '1718000000100000000',
  };
  const oneSpan = (s: unknown): Obj => ({
    resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [s] }] }],
  });
  check(
    'OTLP span',
    malformed(
      otlpSpan,
      fc.oneof(
        fc
          .oneof(fc.constant('xyz'), fc.constant(DELETE), fc.integer(), fc.constant('5b8efff7'))
          .map((v): Corruption => ['traceId', v]),
        fc.oneof(fc.constant('not-hex!'), fc.constant(DELETE), fc.constant({})).map((v): Corruption => ['spanId', v]),
        fc.oneof(fc.constant('SPAN_KIND_WEIRD'), fc.constant(9), fc.constant({})).map((v): Corruption => ['kind', v]),
        fc.oneof(fc.constant(DELETE), fc.integer()).map((v): Corruption => ['name', v]),
        fc
          .oneof(fc.constant(DELETE), fc.constant('abc'), fc.constant('-5'), fc.constant(null))
          .map((v): Corruption => ['startTimeUnixNano', v]),
        fc
          .oneof(fc.constant('1'), fc.constant('abc'), fc.constant(DELETE))
          .map((v): Corruption => ['endTimeUnixNano', v]),
      ),
    ),
    (x, s) => [...spansFromOtlp(oneSpan(x), s)][0],
  );

  const oneLog = (l: unknown): Obj => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [l] }] }] });
  check(
    'OTLP log',
    malformed(
      { timeUnixNano: '1718000000000000000', body: { stringValue: 'x' } },
      fc
        .oneof(fc.constant(DELETE), fc.constant('0'), fc.constant('abc'), fc.constant('-7'), fc.constant({}))
        .map((v): Corruption => ['timeUnixNano', v]),
    ),
    (x, s) => [...logsFromOtlp(oneLog(x), s)][0],
  );

  const oneMetric = (dp: unknown): Obj => ({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [dp] } }] }] }],
  });
  check(
    'OTLP metric data point',
    malformed(
      { timeUnixNano: '1718000000000000000', asDouble: 1 },
      fc.oneof(
        fc.oneof(fc.constant(DELETE), fc.constant('abc'), fc.constant('0')).map((v): Corruption => ['timeUnixNano', v]),
        fc
          .oneof(fc.constant(DELETE), fc.constant('abc'), fc.constant('NaN'), fc.constant({}))
          .map((v): Corruption => ['asDouble', v]),
      ),
    ),
    (x, s) => [...metricsFromOtlp(oneMetric(x), s)][0],
  );
});

describe('fuzz: JSON lines', () => {
  it(`${N} broken JSON lines are rejected by the parser (the sources count them as bad_json)`, () => {
    const lines = fc.sample(
      fc.oneof(
        fc
          .json()
          .filter((j) => j.length > 1)
          .map((j) => j.slice(0, Math.max(1, j.length - 1)))
          .filter((j) => {
            try {
              JSON.parse(j);
              return false;
            } catch {
              return true;
            }
          }),
        fc.string({ minLength: 1 }).filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        }),
      ),
      { numRuns: N, seed: SEED },
    );
    let rejected = 0;
    for (const l of lines) {
      try {
        parseJsonKeepingBigInts(l);
      } catch (e) {
        assert.ok(e instanceof SyntaxError);
        rejected++;
      }
    }
    assert.equal(rejected, N);
  });

  it("keeps OpenObserve's row id (_o2_id) of a log row, from digits or a number", () => {
    const stats = new RejectStats();
    const row = { _timestamp: 1_709_251_200_000_000, body: 'x', service_name: 'a' };
    assert.equal(logFromOoRow({ ...row, _o2_id: '7234567890123456789' }, stats)?.rowId, '7234567890123456789');
    assert.equal(logFromOoRow({ ...row, _o2_id: 42 }, stats)?.rowId, '42');
    const plain = logFromOoRow(row, stats)!;
    assert.equal(plain.rowId, undefined);
    assert.equal(plain.attrs['_o2_id'], undefined);
  });
});
