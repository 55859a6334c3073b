import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  inferSeverity,
  isErrorSeverity,
  maxSeverity,
  normalizeLevel,
  severityOf,
} from '../../../src/patterns/severity.js';

test('level names in any case and common spellings', () => {
  assert.equal(normalizeLevel('warning'), 'WARN');
  assert.equal(normalizeLevel('WARN'), 'WARN');
  assert.equal(normalizeLevel('err'), 'ERROR');
  assert.equal(normalizeLevel('E'), 'ERROR');
  assert.equal(normalizeLevel('Critical'), 'FATAL');
  assert.equal(normalizeLevel('notice'), 'INFO');
  assert.equal(normalizeLevel('INFO2'), 'INFO');
  assert.equal(normalizeLevel('[error]'), 'ERROR');
  assert.equal(normalizeLevel('trace'), 'TRACE');
  assert.equal(normalizeLevel(''), null);
  assert.equal(normalizeLevel('banana'), null);
  assert.equal(normalizeLevel(undefined), null);
});

test('numeric levels: OpenTelemetry by default, syslog and pino on request', () => {
  assert.equal(normalizeLevel(9), 'INFO');
  assert.equal(normalizeLevel(17), 'ERROR');
  assert.equal(normalizeLevel('21'), 'FATAL');
  assert.equal(normalizeLevel(1), 'TRACE');
  assert.equal(normalizeLevel(0), null);
  assert.equal(normalizeLevel(3, 'syslog'), 'ERROR');
  assert.equal(normalizeLevel('4', 'syslog'), 'WARN');
  assert.equal(normalizeLevel(0, 'syslog'), 'FATAL');
  assert.equal(normalizeLevel(7, 'syslog'), 'DEBUG');
  assert.equal(normalizeLevel('<3>'), 'ERROR');
  assert.equal(normalizeLevel(50, 'pino'), 'ERROR');
  assert.equal(normalizeLevel(30, 'pino'), 'INFO');
});

test('inferred from text: a stated level wins, then error and warning words', () => {
  assert.equal(inferSeverity('2024-01-01 12:00:00 ERROR [main] boom'), 'ERROR');
  assert.equal(inferSeverity('[Sun Dec 04 04:47:44 2005] [error] mod_jk child in error state 6'), 'ERROR');
  assert.equal(inferSeverity('level=warn msg="disk almost full"'), 'WARN');
  assert.equal(inferSeverity('{"level":"debug","msg":"x"}'), 'DEBUG');
  assert.equal(inferSeverity('E0612 10:00:00.000 kubelet.go:1] sync failed'), 'ERROR');
  assert.equal(inferSeverity('<4>kernel: low memory'), 'WARN');
  assert.equal(inferSeverity('INFO retrying after error'), 'INFO');
  assert.equal(inferSeverity('java.lang.NullPointerException: null'), 'ERROR');
  assert.equal(inferSeverity('Traceback (most recent call last):'), 'ERROR');
  assert.equal(inferSeverity('panic: runtime error: index out of range'), 'FATAL');
  assert.equal(inferSeverity('connection to db failed'), 'ERROR');
  assert.equal(inferSeverity('config key foo is deprecated'), 'WARN');
  assert.equal(inferSeverity('request served in 3 ms'), 'INFO');
  // Prose that merely mentions errors in plural is not an error.
  assert.equal(inferSeverity('processed 10 items with 0 errors'), 'INFO');
});

test('severityOf prefers the record level; isErrorSeverity and maxSeverity', () => {
  assert.equal(severityOf('info', 'ERROR something'), 'INFO');
  assert.equal(severityOf(undefined, 'ERROR something'), 'ERROR');
  assert.equal(severityOf('', 'all good'), 'INFO');
  assert.ok(isErrorSeverity('ERROR'));
  assert.ok(isErrorSeverity('FATAL'));
  assert.ok(!isErrorSeverity('WARN'));
  assert.ok(!isErrorSeverity(null));
  assert.equal(maxSeverity('WARN', 'ERROR'), 'ERROR');
  assert.equal(maxSeverity('FATAL', 'DEBUG'), 'FATAL');
});
