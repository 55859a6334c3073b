import { iso, M, NOW, postJson, type ApiHarness, type PostOptions } from './harness.js';

/** JSON POST to /api/events (`query`: appended to the URL). */
export function postEvents(
  h: ApiHarness,
  body: unknown,
  opts: PostOptions & { query?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  return postJson(h, `/api/events${opts.query ?? ''}`, body, opts);
}

export function alert(o: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'firing',
    labels: { alertname: 'OrdersDbSlow', severity: 'critical', tenant: 'globex', service: 'orders' },
    annotations: {
      summary: 'orders-db is slow',
      description: 'p95 above 200 ms',
      runbook_url: 'https://rb.example/db',
    },
    startsAt: iso(NOW - 10 * M),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example/graph?g0.expr=up',
    fingerprint: 'a1b2c3d4e5f60718',
    ...o,
  };
}

export function webhook(alerts: Record<string, unknown>[], o: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '4',
    groupKey: '{}:{alertname="OrdersDbSlow"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'observebridge',
    groupLabels: { alertname: 'OrdersDbSlow' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example',
    alerts,
    ...o,
  };
}
