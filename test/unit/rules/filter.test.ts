import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter, parseTimeRange, type Filter } from '../../../src/rules/filter.js';
import { row } from './rows.js';

const r = (fields: Record<string, string | number | null>) =>
  row('metric_1m', Date.parse('2026-06-10T21:30:00Z'), fields);
const holds = (f: Filter, fields: Record<string, string | number | null>) => compileFilter(f)(r(fields));

describe('rule filters (the seed’s alert-rule conditions)', () => {
  it('eq / ne, with a label read as text compared to a number', () => {
    assert.equal(holds({ field: 'code', op: 'eq', value: 1 }, { code: '1' }), true);
    assert.equal(holds({ field: 'code', op: 'eq', value: 1 }, { code: '2' }), false);
    assert.equal(holds({ field: 'code', op: 'ne', value: 1 }, { code: -1 }), true);
    assert.equal(holds({ field: 'code', op: 'ne', value: 1 }, { code: 1 }), false);
    assert.equal(holds({ field: 'code', op: 'eq', value: 1 }, {}), false, 'a missing field equals nothing');
    assert.equal(holds({ field: 'code', op: 'ne', value: 1 }, {}), true);
  });
  it('in is one of (或), not_in is none of (与)', () => {
    const f = { field: 'busi_code', value: [10, 11, 12] };
    assert.equal(holds({ ...f, op: 'in' }, { busi_code: 10 }), true);
    assert.equal(holds({ ...f, op: 'in' }, { busi_code: 13 }), false);
    assert.equal(holds({ ...f, op: 'not_in' }, { busi_code: 13 }), true);
    assert.equal(holds({ ...f, op: 'not_in' }, { busi_code: '11' }), false);
  });
  it('gte / lte / gt / lt compare numbers; text that is not a number never holds', () => {
    assert.equal(holds({ field: 'v', op: 'gte', value: 0.95 }, { v: 0.95 }), true);
    assert.equal(holds({ field: 'v', op: 'gt', value: 0.95 }, { v: 0.95 }), false);
    assert.equal(holds({ field: 'v', op: 'lte', value: 30 }, { v: 31 }), false);
    assert.equal(holds({ field: 'v', op: 'lt', value: 30 }, { v: 29 }), true);
    assert.equal(holds({ field: 'v', op: 'gte', value: 1 }, { v: 'abc' }), false);
  });
  it('starts_with / not_starts_with / ends_with / not_ends_with', () => {
    assert.equal(holds({ field: 'e', op: 'starts_with', value: 'ORA-' }, { e: 'ORA-00942 table' }), true);
    assert.equal(holds({ field: 'e', op: 'starts_with', value: 'ORA-' }, { e: 'PG-1' }), false);
    assert.equal(holds({ field: 'e', op: 'not_starts_with', value: 'ORA-' }, { e: 'PG-1' }), true);
    assert.equal(holds({ field: 'e', op: 'ends_with', value: '-db' }, { e: 'orders-db' }), true);
    assert.equal(holds({ field: 'e', op: 'not_ends_with', value: '-db' }, { e: 'orders-db' }), false);
    assert.equal(holds({ field: 'e', op: 'starts_with', value: '' }, {}), false, 'a missing field starts with nothing');
  });
  it('time_in holds in any range (or), time_not_in in none (and); ranges may wrap midnight; a zone shifts them', () => {
    const off = ['20:00:00-23:59:59', '00:00:00-08:00:00'];
    assert.equal(holds({ field: 'bucket', op: 'time_in', value: off }, {}), true, '21:30 UTC is off hours');
    assert.equal(holds({ field: 'bucket', op: 'time_not_in', value: off }, {}), false);
    assert.equal(holds({ field: 'bucket', op: 'time_in', value: '20:00-08:00' }, {}), true, 'a wrapping range');
    assert.equal(holds({ field: 'bucket', op: 'time_in', value: '09:00-17:59' }, {}), false);
    // 21:30 UTC is 05:30 in Shanghai (UTC+8).
    assert.equal(holds({ field: 'bucket', op: 'time_in', value: '05:00-06:00', tz: 'Asia/Shanghai' }, {}), true);
    assert.deepEqual(parseTimeRange('08:00-08:59'), [8 * 3600, 8 * 3600 + 59 * 60 + 59]);
  });
});
