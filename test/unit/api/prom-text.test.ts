import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics } from '../../../src/obs/metrics.js';
import { parsePrometheusText } from './prom-text.js';

describe('strict Prometheus text parser (the test oracle)', () => {
  it('accepts a well-formed exposition and reads labels, escapes and special values', () => {
    const f = parsePrometheusText(
      [
        '# HELP a_total A \\\\ counter\\nwith two lines',
        '# TYPE a_total counter',
        'a_total{job="x",reason="quote \\" slash \\\\ nl \\n"} 3',
        'a_total{job="y"} 1e3 1700000000000',
        '# TYPE h histogram',
        'h_bucket{le="1"} 1',
        'h_bucket{le="+Inf"} 2',
        'h_sum 3.5',
        'h_count 2',
        '# TYPE g gauge',
        'g NaN',
        'g{x="2"} Nan',
        'g{x="1",} -Inf',
        '',
      ].join('\n'),
    );
    assert.equal(f.get('a_total')!.help, 'A \\ counter\nwith two lines');
    assert.equal(f.get('a_total')!.samples[0]!.labels.reason, 'quote " slash \\ nl \n');
    assert.equal(f.get('a_total')!.samples[1]!.value, 1000);
    assert.equal(f.get('h')!.samples.length, 4);
    const g = f.get('g')!.samples;
    assert.ok(Number.isNaN(g[0]!.value) && Number.isNaN(g[1]!.value));
    assert.equal(g[2]!.value, -Infinity);
  });

  it('rejects what Prometheus rejects', () => {
    const bad = [
      'a{b="c"} 1', // no trailing newline
      'a{b="c} 1\n',
      'a{b="\\t"} 1\n',
      '1a 1\n',
      'a{1b="x"} 1\n',
      'a one\n',
      'a NaNa\n',
      'a 1\na 2\n',
      'a 1\n# TYPE a counter\n',
      '# TYPE a counter\n# TYPE a gauge\n',
      'a 1\nb 1\na{x="1"} 2\n',
      '# TYPE h histogram\nh 1\n',
      '# TYPE h histogram\nh_bucket 1\n',
      'a{b="c",b="d"} 1\n',
    ];
    for (const text of bad) assert.throws(() => parsePrometheusText(text), Error, JSON.stringify(text));
  });

  it('the registry output parses, default process metrics included', async () => {
    const m = createMetrics();
    m.runFinished('oo-calls', 'acme', 'success', 0.3);
    m.runFinished('oo-calls', 'acme', 'failed', 12);
    m.runRetried('oo-calls', 'acme');
    m.jobResult('oo-calls', 'acme', {
      recordsRead: { traces: 100 },
      rejected: { missing_timestamp: 2, 'bad "json"': 1 },
      rowsWritten: { service_call_5m: 7, oo_locator: 7 },
    });
    const f = parsePrometheusText(await m.text());
    assert.equal(f.get('observebridge_runs_total')!.type, 'counter');
    assert.equal(f.get('observebridge_run_duration_seconds')!.type, 'histogram');
    const rej = f.get('observebridge_records_rejected_total')!.samples;
    assert.deepEqual(rej.map((s) => [s.labels.dataset, s.labels.reason, s.value]).sort(), [
      ['traces', 'bad "json"', 1],
      ['traces', 'missing_timestamp', 2],
    ]);
    assert.equal(
      f.get('observebridge_rows_written_total')!.samples.find((s) => s.labels.table === 'service_call_5m')!.value,
      7,
    );
    assert.ok(f.has('process_cpu_user_seconds_total'), 'default process metrics');
    assert.ok(f.has('nodejs_heap_size_used_bytes'));
    // No database attached: the database-backed gauges are declared but have no series.
    assert.equal(f.get('observebridge_window_lag_seconds')?.samples.length ?? 0, 0);
  });
});
