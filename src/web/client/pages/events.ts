import { ApiFailure, get, type EventEvidence, type Evidence } from '../api.js';
import { badge, copyText, fmtTime, h } from '../dom.js';
import type { Page, PageContext } from '../page.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The OpenObserve SQL a locator stands for (its query hint), or a query over its time range. */
export function locatorSql(ev: Evidence): string | null {
  const l = ev.locator;
  if (!l) return null;
  if (l.query_hint) return l.query_hint;
  return null;
}

function copyButton(text: string): HTMLElement {
  const b = h('button', { type: 'button', class: 'copy', title: 'copy' }, 'copy');
  b.addEventListener('click', () => {
    void copyText(text).then((ok) => {
      b.textContent = ok ? 'copied' : 'select and copy';
      setTimeout(() => (b.textContent = 'copy'), 1500);
    });
  });
  return b;
}

export function evidenceChain(r: EventEvidence): HTMLElement {
  return h(
    'ol',
    { class: 'evidence' },
    ...r.evidence.map((ev) => {
      const sql = locatorSql(ev);
      return h(
        'li',
        { 'data-evidence': ev.evidence_id },
        h('div', {}, badge(ev.dim, `dim-${ev.dim}`), ' ', ev.note ?? ''),
        ev.ref_pg === null ? '' : h('pre', { class: 'json small' }, JSON.stringify(ev.ref_pg)),
        ev.locator
          ? h(
              'div',
              { class: 'locator' },
              h(
                'div',
                { class: 'muted small' },
                `${ev.locator.dataset} · ${ev.locator.bucket}/${ev.locator.object_key} · ${fmtTime(ev.locator.t_from)} – ${fmtTime(ev.locator.t_to)}`,
              ),
              sql ? h('div', { class: 'sql' }, h('pre', { class: 'mono small oo-sql' }, sql), copyButton(sql)) : '',
            )
          : '',
      );
    }),
  );
}

export function eventCard(r: EventEvidence): HTMLElement {
  const e = r.event;
  return h(
    'article',
    { class: 'card event', 'data-event': e.event_id },
    h(
      'div',
      { class: 'event-head' },
      badge(e.severity, `sev-${e.severity.toLowerCase()}`),
      ' ',
      h('strong', {}, e.title ?? e.kind),
      ' ',
      h('span', { class: 'muted small' }, fmtTime(e.detected_at)),
    ),
    e.summary ? h('p', {}, e.summary) : '',
    e.resource ? h('p', { class: 'mono small' }, e.resource.urn) : '',
    h('h4', {}, `Evidence (${r.evidence.length})`),
    evidenceChain(r),
  );
}

/** The events of one resource, in the call graph's side panel. */
export async function nodeEvents(box: HTMLElement, _ctx: PageContext, _urn: string): Promise<void> {
  box.replaceChildren(
    h(
      'p',
      { class: 'muted small' },
      'Event lists come with the rules engine (#14); open an event by id on the Events page.',
    ),
  );
}

export const eventsPage: Page = {
  id: 'events',
  title: 'Events',
  async render(root, ctx) {
    const idInput = h('input', {
      type: 'search',
      id: 'event-id',
      placeholder: 'event id (UUID)',
      'aria-label': 'event id',
      size: 40,
    });
    const out = h('div', { id: 'event-out' });
    const show = async (id: string) => {
      if (!UUID_RE.test(id)) {
        out.replaceChildren(h('p', { class: 'error' }, 'an event id is a UUID'));
        return;
      }
      ctx.setParams({ event: id });
      try {
        const r = await get<EventEvidence>(`/api/events/${id}/evidence`, { tenant: ctx.tenant, limit: 1000 });
        if (ctx.active) out.replaceChildren(eventCard(r));
      } catch (e) {
        out.replaceChildren(
          h(
            'p',
            { class: 'error' },
            e instanceof ApiFailure && e.status === 404 ? `no event ${id} for ${ctx.tenant}` : String(e),
          ),
        );
      }
    };
    root.append(
      h('div', { class: 'page-head' }, h('h1', {}, 'Events')),
      h(
        'form',
        { class: 'toolbar', onsubmit: (ev: Event) => (ev.preventDefault(), void show(idInput.value.trim())) },
        idInput,
        h('button', { type: 'submit' }, 'Open'),
      ),
      out,
    );
    const id = ctx.params.get('event');
    if (id) {
      idInput.value = id;
      await show(id);
    }
  },
};
