import { get, type TopoEdge, type TopologyPage } from '../api.js';
import { badge, fmtTime, h, localInputToMs, msToLocalInput } from '../dom.js';
import type { Page } from '../page.js';

/** Every page of the topology at `at` (the API pages by 1000). */
async function allEdges(tenant: string, at: number): Promise<TopologyPage> {
  let cursor: string | null = null;
  let first: TopologyPage | null = null;
  const edges: TopoEdge[] = [];
  do {
    const p: TopologyPage = await get<TopologyPage>('/api/topology', {
      tenant,
      at: new Date(at).toISOString(),
      limit: 1000,
      cursor,
    });
    first ??= p;
    edges.push(...p.edges);
    cursor = p.next;
  } while (cursor);
  return { ...first, edges, next: null };
}

export const topologyPage: Page = {
  id: 'topology',
  title: 'Topology',
  async render(root, ctx) {
    const atInput = h('input', { type: 'datetime-local', id: 'topo-at', 'aria-label': 'instant (UTC)' });
    const nowBtn = h('button', { type: 'button' }, 'Now');
    const filter = h('input', {
      type: 'search',
      id: 'topo-filter',
      placeholder: 'filter by URN or relation',
      'aria-label': 'filter',
    });
    const origins = h('div', { class: 'chips', id: 'topo-origins' });
    const stats = h('span', { class: 'muted small', id: 'topo-stats' });
    const body = h('tbody');
    root.append(
      h(
        'div',
        { class: 'page-head' },
        h('h1', {}, 'Topology at T'),
        h('div', { class: 'toolbar' }, nowBtn, atInput, h('span', { class: 'muted small' }, 'UTC')),
        stats,
      ),
      h('div', { class: 'toolbar' }, filter, origins),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'grid', id: 'topo-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['source', 'relation', 'destination', 'origin', 'valid since', 'until'].map((c) => h('th', {}, c)),
            ),
          ),
          body,
        ),
      ),
    );
    const hidden = new Set<string>();
    let page: TopologyPage | null = null;
    const draw = () => {
      if (!page) return;
      const q = filter.value.trim().toLowerCase();
      const counts = new Map<string, number>();
      for (const e of page.edges) counts.set(e.origin, (counts.get(e.origin) ?? 0) + 1);
      origins.replaceChildren(
        ...[...counts].sort().map(([o, n]) =>
          h(
            'button',
            {
              type: 'button',
              class: `chip origin-${o} ${hidden.has(o) ? 'off' : ''}`,
              'aria-pressed': String(!hidden.has(o)),
              onclick: () => {
                if (hidden.has(o)) hidden.delete(o);
                else hidden.add(o);
                draw();
              },
            },
            `${o} ${n}`,
          ),
        ),
      );
      const shown = page.edges.filter(
        (e) => !hidden.has(e.origin) && (!q || `${e.src} ${e.dst} ${e.relation}`.toLowerCase().includes(q)),
      );
      body.replaceChildren(
        ...shown.map((e) =>
          h(
            'tr',
            {},
            h(
              'td',
              { 'data-label': 'source', class: 'wrap' },
              h('span', { class: 'mono small' }, e.src),
              ' ',
              h('span', { class: 'muted small' }, e.src_type),
            ),
            h('td', { 'data-label': 'relation' }, h('strong', {}, e.relation)),
            h(
              'td',
              { 'data-label': 'destination', class: 'wrap' },
              h('span', { class: 'mono small' }, e.dst),
              ' ',
              h('span', { class: 'muted small' }, e.dst_type),
            ),
            h('td', { 'data-label': 'origin' }, badge(e.origin, `origin-${e.origin}`)),
            h('td', { 'data-label': 'valid since', class: 'mono small' }, fmtTime(e.valid_from)),
            h('td', { 'data-label': 'until', class: 'mono small' }, e.valid_to ? fmtTime(e.valid_to) : 'open'),
          ),
        ),
      );
      if (shown.length === 0)
        body.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'no topology edge valid at this instant')));
      stats.textContent = `${shown.length} of ${page.edges.length} edges valid at ${fmtTime(page.at)}`;
      stats.dataset.edges = String(page.edges.length);
    };
    const load = async () => {
      const v = ctx.params.get('at');
      const at = v && Number.isFinite(Date.parse(v)) ? Date.parse(v) : Date.now();
      atInput.value = msToLocalInput(at);
      page = await allEdges(ctx.tenant, at);
      if (ctx.active) draw();
    };
    filter.addEventListener('input', draw);
    atInput.addEventListener('change', () => {
      const ms = localInputToMs(atInput.value);
      if (ms === null) return;
      ctx.setParams({ at: new Date(ms).toISOString() });
      void load();
    });
    nowBtn.addEventListener('click', () => {
      ctx.setParams({ at: null });
      void load();
    });
    await load();
  },
};
