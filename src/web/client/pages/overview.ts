import { get, type PairStatus, type StatusResponse } from '../api.js';
import { badge, fmtAge, fmtMs, fmtTime, h, sparkline } from '../dom.js';
import type { Page } from '../page.js';

const REFRESH_MS = 5_000;

/** A lag is late once it passes two windows of the job plus its delay: the colour says so. */
function lagClass(p: PairStatus, alignMs: number): string {
  if (p.lag_seconds === null) return 'lag-none';
  const s = p.lag_seconds * 1000;
  if (s <= alignMs * 2 + 120_000) return 'lag-ok';
  if (s <= alignMs * 12) return 'lag-warn';
  return 'lag-bad';
}

function count(n: number, kind: string): HTMLElement {
  return h('span', { class: `count ${n > 0 ? `count-${kind}` : 'count-zero'}`, title: `${n} ${kind}` }, String(n));
}

function row(p: PairStatus): HTMLElement {
  const align = p.align_ms;
  const last = p.durations_ms.at(-1);
  return h(
    'tr',
    { 'data-job': p.job, 'data-tenant': p.tenant },
    h('td', { 'data-label': 'job' }, h('strong', {}, p.job)),
    h('td', { 'data-label': 'tenant' }, p.tenant),
    h('td', { 'data-label': 'lag', class: lagClass(p, align) }, fmtAge(p.lag_seconds)),
    h('td', { 'data-label': 'last success', class: 'mono' }, fmtTime(p.last_success_to)),
    h(
      'td',
      { 'data-label': 'queued / running / failed / dead', class: 'counts' },
      count(p.queued, 'queued'),
      count(p.running, 'running'),
      count(p.failed, 'failed'),
      count(p.dead, 'dead'),
    ),
    h('td', { 'data-label': 'circuit' }, badge(p.circuit.replace('_', '-'), `circuit-${p.circuit}`)),
    h(
      'td',
      { 'data-label': 'window durations', class: 'spark-cell' },
      sparkline(p.durations_ms),
      h('span', { class: 'muted small' }, last === undefined ? '' : fmtMs(last)),
    ),
    h('td', { 'data-label': 'last error', class: 'err-cell', title: p.last_error ?? '' }, p.last_error ?? ''),
  );
}

function dataCard(t: StatusResponse['tenants'][number], now: number): HTMLElement {
  const line = (label: string, d: StatusResponse['tenants'][number]['data']['calls']) => {
    const end = d.newest_end ? Date.parse(d.newest_end) : null;
    return h(
      'li',
      {},
      h('span', { class: 'muted' }, label),
      ' ',
      end === null ? 'none yet' : h('span', { class: 'mono' }, fmtTime(d.newest_end)),
      end === null ? '' : h('span', { class: 'muted small' }, ` (${fmtAge(Math.max(0, (now - end) / 1000))} ago)`),
    );
  };
  return h(
    'section',
    { class: 'card tenant-card', 'data-tenant': t.code },
    h('h3', {}, t.name, ' ', h('span', { class: 'muted' }, t.code), t.enabled ? '' : badge('disabled', 'warn')),
    h('p', { class: 'muted small' }, 'newest data ends'),
    h(
      'ul',
      { class: 'plain' },
      line('calls', t.data.calls),
      line('metrics', t.data.metrics),
      line('logs', t.data.logs),
    ),
  );
}

export const overviewPage: Page = {
  id: 'overview',
  title: 'Overview',
  async render(root, ctx) {
    const stamp = h('span', { class: 'muted small', id: 'refreshed' });
    const cards = h('div', { class: 'cards' });
    const body = h('tbody');
    const onlyTenant = h('input', { type: 'checkbox', id: 'only-tenant' });
    const summary = h('div', { class: 'summary' });
    root.append(
      h(
        'div',
        { class: 'page-head' },
        h('h1', {}, 'Overview'),
        h('label', { class: 'inline' }, onlyTenant, ' only ', h('strong', {}, ctx.tenant)),
        stamp,
      ),
      summary,
      cards,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'grid status', id: 'status-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...[
                'job',
                'tenant',
                'lag',
                'last success',
                'q / run / fail / dead',
                'circuit',
                'window durations',
                'last error',
              ].map((c) => h('th', {}, c)),
            ),
          ),
          body,
        ),
      ),
    );
    onlyTenant.checked = ctx.params.get('only') === '1';
    let last: StatusResponse | null = null;
    const draw = () => {
      if (!last) return;
      const now = Date.parse(last.now);
      const pairs = onlyTenant.checked ? last.pairs.filter((p) => p.tenant === ctx.tenant) : last.pairs;
      body.replaceChildren(...pairs.map(row));
      cards.replaceChildren(
        ...last.tenants.filter((t) => !onlyTenant.checked || t.code === ctx.tenant).map((t) => dataCard(t, now)),
      );
      const total = (k: 'queued' | 'running' | 'failed' | 'dead') => pairs.reduce((a, p) => a + p[k], 0);
      const open = pairs.filter((p) => p.circuit !== 'closed').length;
      summary.replaceChildren(
        h('div', { class: 'stat' }, h('b', {}, String(pairs.length)), h('span', {}, 'job × tenant')),
        h('div', { class: 'stat' }, h('b', {}, String(total('queued'))), h('span', {}, 'queued')),
        h('div', { class: 'stat' }, h('b', {}, String(total('running'))), h('span', {}, 'running')),
        h(
          'div',
          { class: `stat ${total('failed') ? 'stat-warn' : ''}` },
          h('b', {}, String(total('failed'))),
          h('span', {}, 'failed'),
        ),
        h(
          'div',
          { class: `stat ${total('dead') ? 'stat-bad' : ''}` },
          h('b', {}, String(total('dead'))),
          h('span', {}, 'dead'),
        ),
        h('div', { class: `stat ${open ? 'stat-bad' : ''}` }, h('b', {}, String(open)), h('span', {}, 'circuits open')),
      );
      stamp.textContent = `updated ${fmtTime(last.now)} · every ${REFRESH_MS / 1000}s`;
    };
    onlyTenant.addEventListener('change', () => {
      ctx.setParams({ only: onlyTenant.checked ? '1' : null });
      draw();
    });
    const load = async () => {
      const r = await get<StatusResponse>('/api/status', { windows: 30 });
      if (!ctx.active) return;
      last = r;
      draw();
    };
    if (ctx.status) {
      last = ctx.status;
      draw();
    } else await load();
    ctx.every(REFRESH_MS, load, false);
  },
};
