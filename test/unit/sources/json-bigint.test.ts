import fc from 'fast-check';
import { isSafeNumber, parse as losslessParse } from 'lossless-json';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonKeepingBigInts } from '../../../src/sources/normalize/json-bigint.js';

describe('parseJsonKeepingBigInts', () => {
  it('keeps integers beyond 2^53 exact (as digit strings) and leaves the rest alone', () => {
    const text =
      '{"hits":[{"_timestamp":1718000000123456,"start_time":1718000000123456789,"__hash__": 12873469812734981234 ,"neg":-9223372036854775807,"f":0.12345678901234567890,"e":1e300,"s":"\\":12345678901234567890,"}]}';
    assert.deepStrictEqual(parseJsonKeepingBigInts(text), {
      hits: [
        {
          _timestamp: 1718000000123456,
          start_time: '1718000000123456789',
          __hash__: '12873469812734981234',
          neg: '-9223372036854775807',
          f: 0.12345678901234568,
          e: 1e300,
          s: '":12345678901234567890,',
        },
      ],
    });
    assert.equal(JSON.parse(text).hits[0].start_time, 1718000000123456800, 'JSON.parse alone would round');
  });

  it('agrees with lossless-json on random documents', () => {
    const big = fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map((b) => ({ __big: b.toString() }));
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        big,
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 5 }), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    const render = (v: unknown): string => {
      if (v !== null && typeof v === 'object' && '__big' in v && Object.keys(v).length === 1)
        return (v as { __big: string }).__big;
      if (Array.isArray(v)) return `[${v.map(render).join(',')}]`;
      if (v !== null && typeof v === 'object')
        return `{${Object.entries(v)
          .map(([k, x]) => `${JSON.stringify(k)}:${render(x)}`)
          .join(',')}}`;
      return JSON.stringify(v);
    };
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 6 }), (doc) => {
        const text = render(doc);
        const mine = parseJsonKeepingBigInts(text);
        // lossless-json with unsafe integers kept as strings is the reference, except in arrays
        // (only object members are rewritten: OO hits are flat objects).
        const ref = losslessParse(text, null, (n: string) => (isSafeNumber(n) || !/^-?\d+$/.test(n) ? Number(n) : n));
        const strip = (x: unknown, inArray: boolean): unknown => {
          if (Array.isArray(x)) return x.map((y) => strip(y, true));
          if (x !== null && typeof x === 'object')
            return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, strip(y, false)]));
          if (inArray && typeof x === 'string' && /^-?\d{16,}$/.test(x)) return Number(x);
          return x;
        };
        assert.deepStrictEqual(strip(mine, false), strip(ref, false));
      }),
      { numRuns: 300 },
    );
  });
});
