/**
 * Headless Chromium for the status page's tests, screenshots and benchmark: Debian's `chromium`
 * (or CHROMIUM_PATH) driven by puppeteer-core, with a fresh profile each launch and no network
 * beyond what the page asks of our own server (every other request is refused and recorded).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser binary, or why there is none (a test then skips with that reason). */
export function chromiumPath(): { path: string } | { missing: string } {
  const env = process.env.CHROMIUM_PATH;
  if (env) return existsSync(env) ? { path: env } : { missing: `CHROMIUM_PATH=${env} does not exist` };
  const found = CANDIDATES.find((p) => existsSync(p));
  return found
    ? { path: found }
    : { missing: `no Chromium (looked for ${CANDIDATES.join(', ')}; apt-get install chromium, or set CHROMIUM_PATH)` };
}

export interface Headless {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(executablePath: string): Promise<Headless> {
  const profile = mkdtempSync(join(tmpdir(), 'ob-chromium-'));
  const browser = await puppeteer.launch({
    executablePath,
    headless: false, // the flags below say --headless themselves (the classic switch, as asked of CI)
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`],
    protocolTimeout: 60_000,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did that a test fails on: console errors, uncaught exceptions, failed or foreign requests. */
export interface PageProblems {
  console: string[];
  errors: string[];
  failed: string[];
  foreign: string[];
}

/**
 * A new tab that records its problems and refuses every request that is not to `origin` (a CDN, a
 * font service: the page must make none).
 */
export async function watchedPage(
  browser: Browser,
  origin: string,
  viewport = { width: 1366, height: 768 },
): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const problems: PageProblems = { console: [], errors: [], failed: [], foreign: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.errors.push(e instanceof Error ? e.message : String(e)));
  page.on('requestfailed', (r) => {
    if (r.url().startsWith(origin)) problems.failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    const url = r.url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) void r.continue();
    else {
      problems.foreign.push(url);
      void r.abort('blockedbyclient');
    }
  });
  return { page, problems };
}

export function noProblems(p: PageProblems): boolean {
  return p.console.length + p.errors.length + p.failed.length + p.foreign.length === 0;
}

/** The status page's pages, the demo tenant each is shown with, and what shows it has drawn its data. */
export const STATUS_PAGES: readonly { id: string; tenant: string; ready: string }[] = [
  { id: 'overview', tenant: 'globex', ready: '#status-table tbody tr' },
  { id: 'graph', tenant: 'globex', ready: '#graph-stats[data-edges]' },
  { id: 'topology', tenant: 'acme', ready: '#topo-stats[data-edges]' },
  { id: 'events', tenant: 'globex', ready: '#event-id' },
  { id: 'replay', tenant: 'globex', ready: '#replay-form' },
];
