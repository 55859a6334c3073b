// Screenshots of the status page for docs/status-page/, taken with the browser the tests use
// (headless Chromium through puppeteer-core) on the demo data: `npm run build && node scripts/screenshots.mjs`.
/* global window */
import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { chromiumPath, launchChromium, watchedPage } from '../dist/test/helpers/browser.js';
import { demoDb, serveDemo } from '../dist/test/helpers/demo-server.js';

const out = join(process.cwd(), 'docs', 'status-page');
mkdirSync(out, { recursive: true });
const found = chromiumPath();
if ('missing' in found) {
  console.error(`screenshots: ${found.missing}`);
  process.exit(2);
}
const demo = await demoDb();
const server = await serveDemo(demo.db);
const chrome = await launchChromium(found.path);
const settle = (ms) => sleep(ms);

/** Opens a page, waits for its data, runs `act`, saves `<name>.png`; fails on any console error. */
async function shot(name, path, ready, { width = 1366, height = 768, act } = {}) {
  const { page, problems } = await watchedPage(chrome.browser, server.url, { width, height });
  await page.goto(`${server.url}/#/${path}`, { waitUntil: 'load' });
  await page.waitForSelector(ready, { timeout: 30_000 });
  if (act) await act(page);
  await page.waitForNetworkIdle({ idleTime: 300 });
  await settle(400);
  await page.screenshot({ path: join(out, `${name}.png`) });
  await page.close();
  const n = problems.console.length + problems.errors.length + problems.failed.length + problems.foreign.length;
  if (n > 0) throw new Error(`${name}: ${JSON.stringify(problems)}`);
  console.log(`docs/status-page/${name}.png`);
}

async function clickNode(page, urn) {
  const at = await page.evaluate((u) => {
    const cy = window.observebridgeGraph;
    const p = cy.getElementById(u).renderedPosition();
    const box = cy.container().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, urn);
  await page.mouse.click(at.x, at.y);
  await page.waitForSelector('#deps-table tbody tr');
}

try {
  await shot('overview', 'overview?tenant=globex', '#status-table tbody tr');
  await shot('call-graph', 'graph?tenant=globex', '#graph-stats[data-edges]', {
    act: (p) => clickNode(p, 'urn:k8s:svc:shop/orders'),
  });
  await shot('topology', 'topology?tenant=acme', '#topo-stats[data-edges]');
  await shot('events', 'events?tenant=globex', '#event-id', {
    act: async (p) => {
      const first = await p.$('#events-list [data-event]');
      if (first) await first.click();
    },
  });
  await shot('replay', 'replay?tenant=globex', '#replay-form', {
    act: async (p) => {
      await p.select('#replay-job', 'oo-calls');
      await p.click('#replay-submit');
      await p.waitForSelector('#replay-msg[data-state="success"]', { timeout: 180_000 });
    },
  });
  await shot('phone-overview', 'overview?tenant=globex', '#status-table tbody tr', { width: 390, height: 844 });
  await shot('phone-call-graph', 'graph?tenant=globex', '#graph-stats[data-edges]', { width: 390, height: 844 });
} finally {
  await chrome.close();
  await server.stop();
  demo.close();
}
