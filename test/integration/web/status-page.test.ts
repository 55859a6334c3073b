/// <reference lib="dom" />
/**
 * The status page in a real browser (Debian's Chromium, headless, through puppeteer-core) against
 * `observebridge run` serving the demo database: every page loads without a console error or a
 * request to anywhere else, on a 1366×768 screen and a phone; the call graph shows what
 * `observebridge graph show --json` shows; a replay submitted from the page reaches success; the
 * login form keeps the token for the tab.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import {
  chromiumPath,
  launchChromium,
  STATUS_PAGES,
  watchedPage,
  type Headless,
  type PageProblems,
} from '../../helpers/browser.js';
import { cli, demoDb, serveDemo, type DemoDb, type DemoServer } from '../../helpers/demo-server.js';

interface GraphJson {
  nodes: { urn: string }[];
  edges: { src: string; dst: string }[];
}

const found = chromiumPath();
const skip = 'missing' in found ? `status page browser tests: ${found.missing}` : false;
if (skip) console.log(`# skipped: ${skip}`);

function clean(p: PageProblems, what: string): void {
  assert.deepEqual(p, { console: [], errors: [], failed: [], foreign: [] }, what);
}

async function apiJson<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => {
    const t = sessionStorage.getItem('observebridge.token');
    const r = await fetch(p, { headers: t ? { authorization: `Bearer ${t}` } : {} });
    return r.json();
  }, path) as Promise<T>;
}

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe('status page in headless Chromium', { skip, timeout: 600_000 }, () => {
  let demo: DemoDb;
  let server: DemoServer | undefined;
  let chrome: Headless;
  let shown: GraphJson;

  before(async () => {
    demo = await demoDb();
    shown = JSON.parse(
      await cli(['graph', 'show', '--tenant', 'globex', '--json', '--db', demo.db, '--config', demo.config()]),
    ) as GraphJson;
    // The refresh is off while the browser looks, so the graph it draws is the one `graph show` printed.
    server = await serveDemo(demo.db, { config: demo.config({ 'age-refresh': { enabled: false } }) });
    chrome = await launchChromium((found as { path: string }).path);
  });
  after(async () => {
    await chrome?.close();
    await server?.stop();
    demo?.close();
  });

  for (const [width, height] of [
    [1366, 768],
    [390, 844],
  ] as const) {
    it(`every page loads on the demo data at ${width}×${height}: no console error, no foreign request`, async () => {
      for (const { id, tenant, ready } of STATUS_PAGES) {
        const { page, problems } = await watchedPage(chrome.browser, server!.url, { width, height });
        try {
          await page.goto(`${server!.url}/#/${id}?tenant=${tenant}`, {
            waitUntil: 'load',
          });
          await page.waitForSelector(ready, { timeout: 30_000 });
          await page.waitForNetworkIdle({ idleTime: 300, timeout: 30_000 });
          clean(problems, `${id} at ${width}px`);
          assert.ok((await overflow(page)) <= 1, `${id} at ${width}px: no sideways scrolling`);
          const title = await page.$eval('h1', (e) => e.textContent);
          assert.ok(title && title.length > 0, id);
          if (id === 'overview') {
            const status = await apiJson<{ pairs: unknown[] }>(page, '/api/status?windows=1');
            const rows = await page.$$eval('#status-table tbody tr', (r) => r.length);
            assert.equal(rows, status.pairs.length, 'one row per job and tenant');
            assert.ok(rows >= 10, `${rows} rows`);
            assert.ok((await page.$$('#status-table svg.spark polyline')).length > 0, 'sparklines drawn');
          }
          if (id === 'topology') {
            const api = await apiJson<{ edges: { origin: string }[] }>(page, '/api/topology?tenant=acme&limit=5000');
            assert.ok(api.edges.length > 0);
            assert.equal(
              await page.$eval('#topo-stats', (e) => (e as HTMLElement).dataset.edges),
              String(api.edges.length),
            );
            const origins = await page.$$eval('#topo-origins .chip', (c) => c.map((x) => x.textContent ?? ''));
            assert.deepEqual(
              origins.map((o) => o.split(' ')[0]),
              [...new Set(api.edges.map((e) => e.origin))].sort(),
            );
            assert.equal(await page.$$eval('#topo-table tbody tr', (r) => r.length), api.edges.length);
          }
        } finally {
          await page.close();
        }
      }
    });
  }

  it('the call graph shows the demo tenant’s nodes and edges, as `graph show --json` does', async () => {
    const { page, problems } = await watchedPage(chrome.browser, server!.url);
    try {
      await page.goto(`${server!.url}/#/graph?tenant=globex`, { waitUntil: 'load' });
      await page.waitForSelector('#graph-stats[data-edges]', { timeout: 30_000 });
      assert.ok(shown.nodes.length >= 10 && shown.edges.length >= 10, 'the demo has a real graph');
      const stats = await page.$eval('#graph-stats', (e) => ({
        nodes: (e as HTMLElement).dataset.nodes,
        edges: (e as HTMLElement).dataset.edges,
        text: e.textContent,
      }));
      assert.equal(stats.nodes, String(shown.nodes.length));
      assert.equal(stats.edges, String(shown.edges.length));
      assert.match(stats.text ?? '', new RegExp(`^${shown.nodes.length} nodes · ${shown.edges.length} edges`));
      // What cytoscape drew: the same URNs and the same (src, dst) pairs.
      const drawn = await page.evaluate(() => {
        const cy = (window as unknown as { observebridgeGraph: import('cytoscape').Core }).observebridgeGraph;
        return {
          nodes: cy
            .nodes()
            .map((n) => n.id())
            .sort(),
          edges: cy
            .edges()
            .map((e) => `${e.source().id()} ${e.target().id()}`)
            .sort(),
          widths: cy.edges().map((e) => Number(e.data('width'))),
          offscreen: cy.nodes().filter((n) => {
            const p = n.renderedPosition();
            return p.x < 0 || p.y < 0 || p.x > cy.width() || p.y > cy.height();
          }).length,
        };
      });
      assert.deepEqual(drawn.nodes, shown.nodes.map((n) => n.urn).sort());
      assert.deepEqual(drawn.edges, shown.edges.map((e) => `${e.src} ${e.dst}`).sort());
      assert.ok(new Set(drawn.widths).size > 1, 'edge widths follow rps');
      assert.equal(drawn.offscreen, 0, 'the layout fits the view');

      // Hovering an edge shows its p95; clicking a node opens its dependencies and impact.
      const orders = 'urn:k8s:svc:shop/orders';
      const edge = shown.edges.find((e) => e.src === orders)!;
      await page.evaluate((id) => {
        const cy = (window as unknown as { observebridgeGraph: import('cytoscape').Core }).observebridgeGraph;
        cy.getElementById(id).emit('mouseover');
      }, `${edge.src}→${edge.dst}`);
      assert.match(await page.$eval('#graph-tip', (e) => e.textContent ?? ''), /p95 \d/);
      const at = await page.evaluate((urn) => {
        const cy = (window as unknown as { observebridgeGraph: import('cytoscape').Core }).observebridgeGraph;
        const p = cy.getElementById(urn).renderedPosition();
        const box = cy.container()!.getBoundingClientRect();
        return { x: box.left + p.x, y: box.top + p.y };
      }, orders);
      await page.mouse.click(at.x, at.y);
      await page.waitForSelector('#deps-table tbody tr', { timeout: 15_000 });
      await page.waitForSelector('#node-panel .impact.down li', { timeout: 15_000 });
      const deps = await page.$$eval('#deps-table tbody tr td:first-child', (td) =>
        td.map((x) => x.getAttribute('title')),
      );
      const outgoing = shown.edges
        .filter((e) => e.src === orders)
        .map((e) => e.dst)
        .sort();
      assert.deepEqual([...deps].sort(), outgoing, 'its dependencies are its outgoing edges');
      assert.match(page.url(), /node=urn%3Ak8s%3Asvc%3Ashop%2Forders/, 'the selection is in the URL');
      const impact = await apiJson<{ downstream: { urn: string }[] }>(
        page,
        `/api/graph/impact?tenant=globex&urn=${encodeURIComponent(orders)}&hops=2`,
      );
      const listed = await page.$$eval('#node-panel .impact.down li span[title]', (s) =>
        s.map((x) => x.getAttribute('title')),
      );
      assert.deepEqual(listed.sort(), impact.downstream.map((n) => n.urn).sort());
      clean(problems, 'graph interactions');
    } finally {
      await page.close();
    }
  });

  it('time travel draws the graph as it was at a past instant', async () => {
    const { page, problems } = await watchedPage(chrome.browser, server!.url);
    try {
      await page.goto(`${server!.url}/#/overview?tenant=globex`, { waitUntil: 'load' });
      await page.waitForSelector('#status-table tbody tr');
      const status = await apiJson<{ tenants: { code: string; data: { calls: { oldest: string } } }[] }>(
        page,
        '/api/status?windows=1',
      );
      const oldest = Date.parse(status.tenants.find((t) => t.code === 'globex')!.data.calls.oldest);
      const at = new Date(oldest + 7 * 60_000).toISOString(); // the first 5-minute step with a full bucket
      const past = await apiJson<{ nodes: unknown[]; edges: unknown[]; as_of: string }>(
        page,
        `/api/graph?tenant=globex&at=${at}`,
      );
      await page.goto(`${server!.url}/#/graph?tenant=globex&at=${at}`, { waitUntil: 'load' });
      await page.waitForSelector('#graph-stats[data-edges]');
      const stats = await page.$eval('#graph-stats', (e) => ({
        nodes: (e as HTMLElement).dataset.nodes,
        edges: (e as HTMLElement).dataset.edges,
        text: e.textContent,
      }));
      assert.equal(stats.nodes, String(past.nodes.length));
      assert.equal(stats.edges, String(past.edges.length));
      assert.match(stats.text ?? '', /as of/);
      assert.equal(await page.$eval('#graph-live', (b) => b.getAttribute('aria-pressed')), 'false');
      // Back to live by the button.
      await page.click('#graph-live');
      await page.waitForFunction(() => /live/.test(document.querySelector('#graph-stats')?.textContent ?? ''));
      assert.equal(
        await page.$eval('#graph-stats', (e) => (e as HTMLElement).dataset.edges),
        String(shown.edges.length),
      );
      clean(problems, 'time travel');
    } finally {
      await page.close();
    }
  });

  it('events: the tenant’s events, each with its evidence chain and copyable OpenObserve SQL', async () => {
    const { page, problems } = await watchedPage(chrome.browser, server!.url);
    try {
      await page.browserContext().overridePermissions(server!.url, ['clipboard-read', 'clipboard-write']);
      await page.goto(`${server!.url}/#/events?tenant=globex`, { waitUntil: 'load' });
      await page.waitForSelector('#events-info[data-count]', { timeout: 30_000 });
      const paths = (await apiJson<{ paths: Record<string, unknown> }>(page, '/openapi.json')).paths;
      if (!('/api/events' in paths)) {
        // A server without the rules engine: the page says so and opens events by id.
        assert.match(await page.$eval('#events-info', (e) => e.textContent ?? ''), /no event list/);
        clean(problems, 'events without an event list');
        return;
      }
      const api = await apiJson<{ events: { event_id: string; resource: { urn: string } | null }[] }>(
        page,
        '/api/events?tenant=globex&limit=200',
      );
      assert.ok(api.events.length > 0, 'the demo opens events for globex');
      assert.equal(
        await page.$eval('#events-info', (e) => (e as HTMLElement).dataset.count),
        String(api.events.length),
      );
      const listed = await page.$$eval('#events-list [data-event]', (b) => b.map((x) => x.getAttribute('data-event')));
      assert.deepEqual(
        listed,
        api.events.map((e) => e.event_id),
      );
      // The newest opens by itself, with every evidence link and each locator's SQL.
      await page.waitForSelector(`#event-detail[data-event="${api.events[0]!.event_id}"]`);
      const ev = await apiJson<{ evidence: { locator: { query_hint: string | null } | null }[] }>(
        page,
        `/api/events/${api.events[0]!.event_id}/evidence?tenant=globex&limit=1000`,
      );
      assert.equal(await page.$$eval('#evidence-chain > li', (li) => li.length), ev.evidence.length);
      const sqls = await page.$$eval('#evidence-chain pre.oo-sql', (p) => p.map((x) => x.textContent));
      assert.deepEqual(
        sqls,
        ev.evidence.map((e) => e.locator?.query_hint).filter((q): q is string => !!q),
      );
      assert.ok(sqls.length > 0, 'the demo’s evidence points back to OpenObserve');
      await page.click('#evidence-chain [data-copy="sql"]');
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), sqls[0]);
      // Opening another event from the list.
      if (api.events.length > 1) {
        await page.click(`#events-list [data-event="${api.events[1]!.event_id}"]`);
        await page.waitForSelector(`#event-detail[data-event="${api.events[1]!.event_id}"]`);
      }
      // The call graph's panel lists a node's events.
      const urn = api.events.find((e) => e.resource)?.resource?.urn;
      assert.ok(urn);
      await page.goto(`${server!.url}/#/graph?tenant=globex&node=${encodeURIComponent(urn)}`, { waitUntil: 'load' });
      await page.waitForSelector('#graph-stats[data-edges]');
      await page.evaluate((u) => {
        const cy = (window as unknown as { observebridgeGraph: import('cytoscape').Core }).observebridgeGraph;
        cy.getElementById(u).emit('tap');
      }, urn);
      await page.waitForSelector('.node-event-list li a');
      const links = await page.$$eval('.node-event-list li a', (a) => a.length);
      assert.equal(links, Math.min(10, api.events.filter((e) => e.resource?.urn === urn).length));
      clean(problems, 'events');
    } finally {
      await page.close();
    }
  });

  it('a replay submitted from the page reaches success', async () => {
    const { page, problems } = await watchedPage(chrome.browser, server!.url);
    try {
      await page.goto(`${server!.url}/#/replay?tenant=globex`, { waitUntil: 'load' });
      await page.waitForSelector('#replay-form');
      await page.select('#replay-job', 'oo-calls');
      assert.equal(await page.$eval('#replay-force', (c) => (c as HTMLInputElement).checked), true);
      const range = await page.evaluate(() => ({
        from: (document.querySelector('#replay-from') as HTMLInputElement).value,
        to: (document.querySelector('#replay-to') as HTMLInputElement).value,
      }));
      const submitted = Date.now();
      await page.click('#replay-submit');
      await page.waitForSelector('#replay-msg[data-state="success"]', { timeout: 180_000 });
      const windows = await page.$$eval('#replay-windows li', (li) =>
        li.map((x) => ({ from: x.getAttribute('data-from'), status: x.getAttribute('data-status') })),
      );
      assert.equal(windows.length, 3, `15 minutes of 5-minute windows (${range.from} .. ${range.to})`);
      assert.ok(windows.every((w) => w.status === 'success'));
      // The server says so too: each window ran again after the click.
      const runs = await apiJson<{ runs: { window_from: string; status: string; finished_at: string }[] }>(
        page,
        `/api/runs?tenant=globex&job=oo-calls&from=${range.from}:00Z&to=${range.to}:00Z`,
      );
      assert.equal(runs.runs.length, 3);
      for (const r of runs.runs) {
        assert.equal(r.status, 'success');
        assert.ok(Date.parse(r.finished_at) >= submitted - 1000, `${r.window_from} re-ran`);
      }
      assert.equal(await page.$eval('#replay-progress', (e) => (e as HTMLElement).dataset.done), '3');
      // A bad range is refused with the field named, nothing enqueued.
      await page.$eval(
        '#replay-to',
        (e) => ((e as HTMLInputElement).value = (document.querySelector('#replay-from') as HTMLInputElement).value),
      );
      await page.click('#replay-submit');
      await page.waitForSelector('#replay-msg[data-state="error"]');
      assert.match(await page.$eval('#replay-msg', (e) => e.textContent ?? ''), /^to: must be after from/);
      problems.console = problems.console.filter((m) => !/status of 400/.test(m)); // the refused request itself
      clean(problems, 'replay');
    } finally {
      await page.close();
    }
  });

  it('with a token set, the page asks for it and keeps it in the tab', async () => {
    await server!.stop();
    const token = 'browser-test-token-0123456789';
    server = await serveDemo(demo.db, { config: demo.config({ 'age-refresh': { enabled: false } }), token });
    const { page, problems } = await watchedPage(chrome.browser, server.url);
    try {
      await page.goto(`${server.url}/#/overview`, { waitUntil: 'load' });
      await page.waitForSelector('#token', { visible: true });
      await page.type('#token', 'wrong-token');
      await page.click('#login button[type="submit"]');
      await page.waitForFunction(() => /refused/.test(document.querySelector('#login')?.textContent ?? ''));
      await page.$eval('#token', (e) => ((e as HTMLInputElement).value = ''));
      await page.type('#token', token);
      await page.click('#login button[type="submit"]');
      await page.waitForSelector('#status-table tbody tr', { timeout: 30_000 });
      assert.equal(await page.evaluate(() => sessionStorage.getItem('observebridge.token')), token);
      assert.equal(await page.$eval('#login', (e) => (e as HTMLElement).hidden), true);
      // Reloading keeps the session; the API without the token still refuses.
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('#status-table tbody tr', { timeout: 30_000 });
      const bare = await page.evaluate(async () => (await fetch('/api/status')).status);
      assert.equal(bare, 401);
      problems.console = problems.console.filter((m) => !/status of 401/.test(m)); // the refused requests
      clean(problems, 'login');
    } finally {
      await page.close();
    }
  });
});
