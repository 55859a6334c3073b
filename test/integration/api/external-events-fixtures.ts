import { iso, M, NOW, TOKEN, type ApiHarness } from './harness.js';

/** POST /api/events through inject(); `body` as JSON unless `raw`. */
export async function postEvents(
  h: ApiHarness,
  body: unknown,
  opts: { token?: string | null; headers?: Record<string, string>; raw?: string; query?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const token = opts.token === undefined ? TOKEN : opts.token;
  const res = await h.server.app.inject({
    method: 'POST',
    url: `/api/events${opts.query ?? ''}`,
    headers: {
      'content-type': 'application/json',
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      ...opts.headers,
    },
    payload: opts.raw ?? JSON.stringify(body),
  });
  return { status: res.statusCode, json: res.json() as Record<string, unknown> };
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
