import { ApiFailure, get, post, type EnqueueResponse, type RunsPage } from '../api.js';
import { badge, fmtMs, fmtTime, h, localInputToMs, msToLocalInput } from '../dom.js';
import type { Page } from '../page.js';

const POLL_MS = 1_000;
const ENDED = new Set(['success', 'dead']);

export const replayPage: Page = {
  id: 'replay',
  title: 'Replay',
  render(root, ctx) {
    const now = Date.now();
    const job = h(
      'select',
      { id: 'replay-job', name: 'job', required: true },
      ...ctx.meta.jobs.map((j) => h('option', { value: j }, j)),
    );
    job.value = ctx.params.get('job') ?? (ctx.meta.jobs.includes('oo-calls') ? 'oo-calls' : (ctx.meta.jobs[0] ?? ''));
    const from = h('input', { type: 'datetime-local', id: 'replay-from', name: 'from', required: true });
    const to = h('input', { type: 'datetime-local', id: 'replay-to', name: 'to', required: true });
    const calls = ctx.meta.tenants.find((t) => t.code === ctx.tenant)?.data.calls;
    const end = calls?.newest_end ? Date.parse(calls.newest_end) : Math.floor(now / 300_000) * 300_000;
    from.value = msToLocalInput(end - 15 * 60_000);
    to.value = msToLocalInput(end);
    const force = h('input', { type: 'checkbox', id: 'replay-force', name: 'force', checked: true });
    const message = h('p', { class: 'form-msg', id: 'replay-msg', role: 'status' });
    const progress = h('div', { class: 'progress', id: 'replay-progress', hidden: true }, h('div', { class: 'bar' }));
    const list = h('ol', { class: 'windows', id: 'replay-windows' });
    const submit = h('button', { type: 'submit', id: 'replay-submit' }, 'Enqueue replay');
    const form = h(
      'form',
      { class: 'card form', id: 'replay-form' },
      h('div', { class: 'field' }, h('label', { for: 'replay-job' }, 'job'), job),
      h('div', { class: 'field' }, h('label', {}, 'tenant'), h('strong', {}, ctx.tenant)),
      h('div', { class: 'field' }, h('label', { for: 'replay-from' }, 'from (UTC)'), from),
      h('div', { class: 'field' }, h('label', { for: 'replay-to' }, 'to (UTC)'), to),
      h(
        'div',
        { class: 'field' },
        h('label', { class: 'inline' }, force, ' re-run windows that already succeeded (force)'),
      ),
      h('div', { class: 'field' }, submit),
      message,
    );
    root.append(
      h(
        'div',
        { class: 'page-head' },
        h('h1', {}, 'Replay'),
        h('span', { class: 'muted small' }, 'through POST /events/enqueue; windows run on this server’s workers'),
      ),
      h(
        'div',
        { class: 'replay-layout' },
        form,
        h('section', { class: 'card' }, h('h3', {}, 'Windows'), progress, list),
      ),
    );

    let watching = 0;
    const watch = async (r: EnqueueResponse, token: number) => {
      const states = new Map(r.windows.map((w) => [w.from, w.status]));
      const timing = new Map<string, string>();
      const paint = () => {
        const done = [...states.values()].filter((s) => s === 'success').length;
        const dead = [...states.values()].filter((s) => s === 'dead').length;
        progress.hidden = false;
        const bar = progress.firstElementChild as HTMLElement;
        bar.style.width = `${Math.round((100 * (done + dead)) / Math.max(1, states.size))}%`;
        progress.dataset.done = String(done);
        progress.dataset.total = String(states.size);
        list.replaceChildren(
          ...[...states].map(([f, s]) =>
            h(
              'li',
              { 'data-from': f, 'data-status': s },
              h('span', { class: 'mono small' }, fmtTime(f)),
              ' ',
              badge(s, `run-${s}`),
              ' ',
              h('span', { class: 'muted small' }, timing.get(f) ?? ''),
            ),
          ),
        );
        const all = [...states.values()].every((s) => ENDED.has(s));
        message.textContent = all
          ? `${done} of ${states.size} windows succeeded${dead ? `, ${dead} dead` : ''}.`
          : `${done} of ${states.size} windows done…`;
        message.dataset.state = all ? (dead ? 'dead' : 'success') : 'running';
        return all;
      };
      paint();
      while (ctx.active && token === watching) {
        const page = await get<RunsPage>('/api/runs', {
          tenant: r.tenant,
          job: r.job,
          from: r.from,
          to: r.to,
          limit: 1000,
        });
        for (const run of page.runs) {
          if (!states.has(run.window_from)) continue;
          states.set(run.window_from, run.status);
          if (run.started_at && run.finished_at && run.status === 'success')
            timing.set(run.window_from, fmtMs(Date.parse(run.finished_at) - Date.parse(run.started_at)));
        }
        if (paint()) return;
        await new Promise((res) => setTimeout(res, POLL_MS));
      }
    };

    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const f = localInputToMs(from.value);
      const t = localInputToMs(to.value);
      if (f === null || t === null) {
        message.textContent = 'from and to must be times';
        return;
      }
      submit.disabled = true;
      message.textContent = 'enqueueing…';
      message.dataset.state = 'sending';
      void (async () => {
        try {
          const r = await post<EnqueueResponse>('/events/enqueue', {
            job: job.value,
            tenant: ctx.tenant,
            from: new Date(f).toISOString(),
            to: new Date(t).toISOString(),
            force: force.checked,
          });
          ctx.setParams({ job: job.value });
          const c = r.counts;
          message.textContent = `${c.inserted} new, ${c.requeued} re-queued, ${c.existing} left as they were`;
          await watch(r, ++watching);
        } catch (e) {
          message.dataset.state = 'error';
          message.textContent = e instanceof ApiFailure ? e.message : String(e);
        } finally {
          submit.disabled = false;
        }
      })();
    });
  },
};
