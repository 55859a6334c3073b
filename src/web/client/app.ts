/**
 * The shell of the status page: navigation by the URL's hash (so a view can be bookmarked or
 * reloaded), the tenant picker, the login form when the API wants a token, and the pages' lifecycle
 * (timers and listeners end when a page is left).
 */
import { ApiFailure, get, onAuthNeeded, setToken, token, type StatusResponse } from './api.js';
import { h } from './dom.js';
import type { Page, PageContext } from './page.js';

/**
 * The pages, each loaded when first shown: the overview does not wait for the graph library
 * (cytoscape is most of the page's script) to download and compile.
 */
interface PageEntry {
  id: string;
  title: string;
  load(): Promise<Page>;
}
const PAGES: PageEntry[] = [
  { id: 'overview', title: 'Overview', load: async () => (await import('./pages/overview.js')).overviewPage },
  { id: 'graph', title: 'Call graph', load: async () => (await import('./pages/graph.js')).graphPage },
  { id: 'topology', title: 'Topology', load: async () => (await import('./pages/topology.js')).topologyPage },
  { id: 'events', title: 'Events', load: async () => (await import('./pages/events.js')).eventsPage },
  { id: 'replay', title: 'Replay', load: async () => (await import('./pages/replay.js')).replayPage },
];
const TENANT_KEY = 'observebridge.tenant';

let meta: Pick<StatusResponse, 'tenants' | 'jobs'> | null = null;
/** The first /api/status, handed to the first page shown (the overview draws it at once). */
let firstStatus: StatusResponse | null = null;
let leave: (() => void) | null = null;

const nav = h('nav', { class: 'nav', 'aria-label': 'pages' });
const tenantSelect = h('select', { id: 'tenant', 'aria-label': 'tenant' });
const main = h('main', { id: 'main' });
const loginBox = h('div', { id: 'login', class: 'login', hidden: true });

function parseRoute(): { page: PageEntry; params: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const [id, qs] = raw.split('?', 2) as [string, string | undefined];
  const page = PAGES.find((p) => p.id === id) ?? PAGES[0]!;
  return { page, params: new URLSearchParams(qs ?? '') };
}

function hashFor(page: string, params: URLSearchParams): string {
  const qs = params.toString();
  return `#/${page}${qs ? `?${qs}` : ''}`;
}

function showLogin(f: ApiFailure): void {
  if (!loginBox.hidden) return;
  loginBox.replaceChildren();
  if (f.status === 403) {
    loginBox.append(
      h('h2', {}, 'Not allowed from here'),
      h('p', {}, f.message),
      h('p', {}, 'Set OBSERVEBRIDGE_API_TOKEN on the server, or open the page on a loopback address.'),
    );
  } else {
    const input = h('input', {
      id: 'token',
      type: 'password',
      autocomplete: 'current-password',
      placeholder: 'OBSERVEBRIDGE_API_TOKEN',
      required: true,
    });
    const form = h(
      'form',
      {
        class: 'login-form',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          setToken(input.value.trim());
          loginBox.hidden = true;
          void start();
        },
      },
      h('h2', {}, 'API token'),
      h('p', {}, token() ? 'The token was refused: enter it again.' : 'This server needs its API token.'),
      h('p', { class: 'muted' }, 'It is kept in this tab’s session storage only.'),
      input,
      h('button', { type: 'submit' }, 'Sign in'),
    );
    loginBox.append(form);
    queueMicrotask(() => input.focus());
  }
  loginBox.hidden = false;
}

function renderNav(current: PageEntry, params: URLSearchParams): void {
  const keep = new URLSearchParams();
  const t = params.get('tenant');
  if (t) keep.set('tenant', t);
  nav.replaceChildren(
    ...PAGES.map((p) =>
      h(
        'a',
        {
          href: hashFor(p.id, keep),
          class: p === current ? 'active' : '',
          'aria-current': p === current ? 'page' : null,
        },
        p.title,
      ),
    ),
  );
}

async function render(): Promise<void> {
  if (!meta) return;
  leave?.();
  const { page: entry, params } = parseRoute();
  const codes = meta.tenants.map((t) => t.code);
  const wanted = params.get('tenant') ?? sessionStorage.getItem(TENANT_KEY);
  const tenant = wanted && codes.includes(wanted) ? wanted : (codes[0] ?? '');
  sessionStorage.setItem(TENANT_KEY, tenant);
  tenantSelect.value = tenant;
  renderNav(entry, params);
  document.title = `${entry.title} · ObserveBridge`;

  let active = true;
  const timers: number[] = [];
  const leaving: (() => void)[] = [];
  leave = () => {
    active = false;
    for (const t of timers) clearInterval(t);
    for (const fn of leaving) fn();
  };
  const status = firstStatus;
  firstStatus = null;
  const ctx: PageContext = {
    params,
    tenant,
    meta,
    status,
    get active() {
      return active;
    },
    setParams(p) {
      for (const [k, v] of Object.entries(p)) {
        if (v === null) params.delete(k);
        else params.set(k, v);
      }
      history.replaceState(null, '', hashFor(entry.id, params));
    },
    every(ms, fn, now = true) {
      const run = async () => {
        if (!active || document.hidden) return;
        try {
          await fn();
        } catch (e) {
          if (!(e instanceof ApiFailure)) console.warn(e);
        }
      };
      if (now) void run();
      timers.push(window.setInterval(() => void run(), ms));
    },
    onLeave(fn) {
      leaving.push(fn);
    },
  };
  main.replaceChildren();
  main.dataset.page = entry.id;
  try {
    const page = await entry.load();
    if (!active) return;
    await page.render(main, ctx);
  } catch (e) {
    if (!active) return;
    main.append(h('p', { class: 'error' }, e instanceof Error ? e.message : String(e)));
  }
}

async function start(): Promise<void> {
  // The shown page's script downloads while the first /api/status is on its way.
  void parseRoute()
    .page.load()
    .catch(() => undefined);
  try {
    firstStatus = await get<StatusResponse>('/api/status', { windows: 30 });
    meta = firstStatus;
  } catch (e) {
    if (e instanceof ApiFailure && (e.status === 401 || e.status === 403)) return; // the login form is up
    main.replaceChildren(h('p', { class: 'error' }, `The API did not answer: ${e instanceof Error ? e.message : e}`));
    return;
  }
  tenantSelect.replaceChildren(...meta.tenants.map((t) => h('option', { value: t.code }, `${t.name} (${t.code})`)));
  await render();
}

tenantSelect.addEventListener('change', () => {
  const { page, params } = parseRoute();
  params.set('tenant', tenantSelect.value);
  params.delete('at');
  params.delete('node');
  location.hash = hashFor(page.id, params);
});
window.addEventListener('hashchange', () => void render());
onAuthNeeded(showLogin);

document.body.append(
  h(
    'header',
    { class: 'top' },
    h(
      'a',
      { class: 'brand', href: '#/overview' },
      h('span', { class: 'logo', 'aria-hidden': 'true' }),
      'ObserveBridge',
    ),
    nav,
    h('label', { class: 'tenant-pick' }, h('span', { class: 'muted' }, 'tenant'), tenantSelect),
  ),
  main,
  loginBox,
);
void start();
