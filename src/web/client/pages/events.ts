import {
  ApiFailure,
  get,
  hasRoute,
  type EventEvidence,
  type EventPage,
  type EventRecord,
  type Evidence,
} from '../api.js';
import { badge, copyText, fmtNum, fmtTime, h, shortUrn } from '../dom.js';
import type { Page, PageContext } from '../page.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REFRESH_MS = 15_000;

/**
 * The events of a tenant, or null when this server has no event list (the rules engine's
 * /api/events is not there): the page then opens events by id only.
 */
async function listEvents(
  tenant: string,
  q: { status?: string | null; since?: string | null; limit?: number },
): Promise<EventPage | null> {
  if (!(await hasRoute('/api/events'))) return null;
  return get<EventPage>('/api/events', {
    tenant,
    status: q.status ?? null,
    since: q.since ?? null,
    limit: q.limit ?? 200,
  });
}

/** OpenObserve's _search request for a locator: its SQL (the query hint) and time range in µs. */
export function searchRequest(ev: Evidence): string | null {
  const l = ev.locator;
  if (!l?.query_hint) return null;
  const us = (t: string | null) => (t ? Date.parse(t) * 1000 : null);
  return JSON.stringify({ query: { sql: l.query_hint, start_time: us(l.t_from), end_time: us(l.t_to) } }, null, 2);
}

function copyButton(text: string, label: string, id: string): HTMLElement {
  const b = h('button', { type: 'button', class: 'copy', 'data-copy': id }, label);
  b.addEventListener('click', () => {
    void copyText(text).then((ok) => {
      b.textContent = ok ? 'copied' : 'select and copy';
      setTimeout(() => (b.textContent = label), 1500);
    });
  });
  return b;
}

function refText(ref: unknown): string {
  if (ref && typeof ref === 'object' && 'table' in ref) {
    const r = ref as { table: string; keys?: Record<string, unknown> };
    const keys = Object.entries(r.keys ?? {})
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${r.table}${keys ? ` ${keys}` : ''}`;
  }
  return JSON.stringify(ref);
}

/** The evidence chain: what in PostgreSQL showed it, and the way back to the raw rows in OpenObserve. */
export function evidenceChain(r: EventEvidence): HTMLElement {
  if (r.evidence.length === 0) return h('p', { class: 'muted small' }, 'no evidence links');
  return h(
    'ol',
    { class: 'evidence', id: 'evidence-chain' },
    ...r.evidence.map((ev) => {
      const sql = ev.locator?.query_hint ?? null;
      const req = searchRequest(ev);
      return h(
        'li',
        { 'data-evidence': ev.evidence_id },
        h('div', {}, badge(ev.dim, `dim-${ev.dim}`), ' ', ev.note ? h('span', {}, ev.note) : ''),
        ev.ref_pg === null ? '' : h('div', { class: 'mono small ref-pg' }, refText(ev.ref_pg)),
        ev.locator
          ? h(
              'div',
              { class: 'locator' },
              h(
                'div',
                { class: 'muted small' },
                `OpenObserve ${ev.locator.dataset} · ${ev.locator.bucket}${ev.locator.object_key ? `/${ev.locator.object_key}` : ''} · ${fmtTime(ev.locator.t_from)} – ${fmtTime(ev.locator.t_to)}`,
              ),
              sql
                ? h(
                    'div',
                    { class: 'sql' },
                    h('pre', { class: 'mono small oo-sql' }, sql),
                    h(
                      'div',
                      { class: 'copies' },
                      copyButton(sql, 'copy SQL', 'sql'),
                      req ? copyButton(req, 'copy _search body', 'search') : '',
                    ),
                  )
                : '',
            )
          : h('div', { class: 'muted small' }, 'no OpenObserve locator'),
      );
    }),
  );
}

function sevClass(s: string): string {
  return `sev-${s.toLowerCase()}`;
}

export function eventDetail(r: EventEvidence): HTMLElement {
  const e = r.event;
  const facts: [string, string][] = [];
  if (e.status) facts.push(['status', e.status]);
  if (e.rule_id) facts.push(['rule', e.rule_id]);
  facts.push(['detected', fmtTime(e.detected_at)]);
  if (e.first_seen) facts.push(['first seen', fmtTime(e.first_seen)]);
  if (e.last_seen) facts.push(['last seen', fmtTime(e.last_seen)]);
  if (e.resolved_at) facts.push(['resolved', fmtTime(e.resolved_at)]);
  if (e.value != null) facts.push(['value', fmtNum(e.value, 3)]);
  if (e.peak_value != null) facts.push(['peak', fmtNum(e.peak_value, 3)]);
  if (e.windows !== undefined) facts.push(['windows', String(e.windows)]);
  if (e.acked) facts.push(['acknowledged', `${fmtTime(e.acked.at)}${e.acked.by ? ` by ${e.acked.by}` : ''}`]);
  return h(
    'article',
    { class: 'card event', 'data-event': e.event_id, id: 'event-detail' },
    h('div', { class: 'event-head' }, badge(e.severity, sevClass(e.severity)), ' ', h('strong', {}, e.title ?? e.kind)),
    e.summary ? h('p', {}, e.summary) : '',
    e.resource ? h('p', { class: 'mono small wrap' }, e.resource.urn) : '',
    h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('p', { class: 'muted small mono' }, e.event_id),
    h('h4', {}, `Evidence (${r.evidence.length})`),
    evidenceChain(r),
  );
}

function eventRow(e: EventRecord, onOpen: (id: string) => void, current: string | null): HTMLElement {
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: `event-row ${e.event_id === current ? 'current' : ''} ${e.status === 'resolved' ? 'resolved' : ''}`,
        'data-event': e.event_id,
        onclick: () => onOpen(e.event_id),
      },
      h(
        'span',
        { class: 'event-row-head' },
        badge(e.severity, sevClass(e.severity)),
        ' ',
        e.status ? badge(e.status, `status-${e.status}`) : '',
        ' ',
        h('strong', {}, e.title ?? e.kind),
      ),
      h(
        'span',
        { class: 'muted small' },
        `${e.resource ? shortUrn(e.resource.urn) : '–'} · ${fmtTime(e.last_seen ?? e.detected_at)}${e.evidence_count !== undefined ? ` · ${e.evidence_count} evidence` : ''}`,
      ),
    ),
  );
}

/** The events of one resource, in the call graph's side panel. */
export async function nodeEvents(box: HTMLElement, ctx: PageContext, urn: string): Promise<void> {
  try {
    const page = await listEvents(ctx.tenant, { limit: 500 });
    if (!ctx.active) return;
    if (!page) {
      box.replaceChildren(h('p', { class: 'muted small' }, 'this server lists no events'));
      return;
    }
    const mine = page.events.filter((e) => e.resource?.urn === urn);
    box.replaceChildren(
      mine.length === 0
        ? h('p', { class: 'muted small' }, 'no events for this resource')
        : h(
            'ul',
            { class: 'plain node-event-list' },
            ...mine
              .slice(0, 10)
              .map((e) =>
                h(
                  'li',
                  {},
                  badge(e.severity, sevClass(e.severity)),
                  ' ',
                  h(
                    'a',
                    { href: `#/events?tenant=${encodeURIComponent(ctx.tenant)}&event=${e.event_id}` },
                    e.title ?? e.kind,
                  ),
                  ' ',
                  h('span', { class: 'muted small' }, e.status ?? ''),
                ),
              ),
          ),
    );
  } catch (e) {
    box.replaceChildren(h('p', { class: 'error small' }, e instanceof Error ? e.message : String(e)));
  }
}

export const eventsPage: Page = {
  id: 'events',
  title: 'Events',
  async render(root, ctx) {
    const status = h(
      'select',
      { id: 'events-status', 'aria-label': 'status' },
      h('option', { value: 'open' }, 'open'),
      h('option', { value: 'resolved' }, 'resolved'),
      h('option', { value: '' }, 'all'),
    );
    status.value = ctx.params.get('status') ?? '';
    const since = h(
      'select',
      { id: 'events-since', 'aria-label': 'seen since' },
      ...['1h', '6h', '24h', '7d', ''].map((v) => h('option', { value: v }, v ? `last ${v}` : 'any time')),
    );
    since.value = ctx.params.get('since') ?? '';
    const idInput = h('input', {
      type: 'search',
      id: 'event-id',
      placeholder: 'event id (UUID)',
      'aria-label': 'event id',
      size: 38,
    });
    const list = h('ul', { class: 'plain events-list', id: 'events-list' });
    const listInfo = h('p', { class: 'muted small', id: 'events-info' });
    const detail = h('div', { id: 'event-out' }, h('p', { class: 'muted' }, 'Pick an event for its evidence chain.'));
    let current: string | null = ctx.params.get('event');
    let last: EventPage | null = null;

    const open = async (id: string) => {
      if (!UUID_RE.test(id)) {
        detail.replaceChildren(h('p', { class: 'error' }, 'an event id is a UUID'));
        return;
      }
      current = id;
      ctx.setParams({ event: id });
      drawList();
      try {
        const r = await get<EventEvidence>(`/api/events/${id}/evidence`, { tenant: ctx.tenant, limit: 1000 });
        if (ctx.active && current === id) detail.replaceChildren(eventDetail(r));
      } catch (e) {
        detail.replaceChildren(
          h(
            'p',
            { class: 'error' },
            e instanceof ApiFailure && e.status === 404 ? `no event ${id} for ${ctx.tenant}` : String(e),
          ),
        );
      }
    };
    const drawList = () => {
      if (!last) return;
      list.replaceChildren(...last.events.map((e) => eventRow(e, (id) => void open(id), current)));
      const open_ = last.events.filter((e) => e.status === 'open').length;
      listInfo.textContent =
        last.events.length === 0
          ? 'no events with these filters'
          : `${last.events.length} events${last.events.some((e) => e.status) ? `, ${open_} open` : ''}${last.next ? ' (newest shown)' : ''}`;
      listInfo.dataset.count = String(last.events.length);
    };
    const load = async () => {
      const page = await listEvents(ctx.tenant, { status: status.value || null, since: since.value || null });
      if (!ctx.active) return;
      if (!page) {
        listInfo.textContent =
          'This server has no event list (the rules engine is not there): open an event by its id.';
        listInfo.dataset.count = 'none';
        return;
      }
      last = page;
      drawList();
    };
    for (const sel of [status, since]) {
      sel.addEventListener('change', () => {
        ctx.setParams({ status: status.value || null, since: since.value || null });
        void load();
      });
    }
    root.append(
      h('div', { class: 'page-head' }, h('h1', {}, 'Events'), h('div', { class: 'toolbar' }, status, since)),
      h(
        'div',
        { class: 'events-layout' },
        h(
          'section',
          { class: 'card' },
          h(
            'form',
            { class: 'toolbar', onsubmit: (ev: Event) => (ev.preventDefault(), void open(idInput.value.trim())) },
            idInput,
            h('button', { type: 'submit' }, 'Open'),
          ),
          listInfo,
          list,
        ),
        detail,
      ),
    );
    await load();
    if (current) {
      idInput.value = current;
      await open(current);
    } else {
      // The newest event opens by itself (`last` was set by load(): TS cannot see through the closure).
      const newest = (last as EventPage | null)?.events[0];
      if (newest) await open(newest.event_id);
    }
    ctx.every(REFRESH_MS, load, false);
  },
};
