/**
 * Status page load time in headless Chromium against `observebridge run` serving the demo database
 * (the README's `run --once`, then the service with its scheduler and workers running as a user
 * has them). A load is timed from navigation until the page has drawn its data (its ready
 * selector: the status rows, the graph's counts, the topology's counts, the forms), each in a fresh
 * browser context, so nothing comes from the cache: the pessimistic first visit.
 *
 *   npm run bench -- web [--loads 20]
 *
 * Cases: one per page (`overview`, `graph`, …) with p50/p95/max in ms, and `all` over every load.
 * Target: p95 under 1 s (issue #17).
 */
import { chromiumPath, launchChromium, STATUS_PAGES } from '../../test/helpers/browser.js';
import { demoDb, serveDemo } from '../../test/helpers/demo-server.js';
import { numberFlag, parseFlags } from '../lib/args.js';
import type { Measurement } from '../lib/record.js';

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

function figures(name: string, samples: number[], note: string): Measurement[] {
  const s = [...samples].sort((a, b) => a - b);
  return [
    { case: name, metric: 'p50', value: Math.round(quantile(s, 0.5)), unit: 'ms', db: 'pglite', note },
    { case: name, metric: 'p95', value: Math.round(quantile(s, 0.95)), unit: 'ms', db: 'pglite', note },
    { case: name, metric: 'max', value: Math.round(s.at(-1) ?? NaN), unit: 'ms', db: 'pglite', note },
  ];
}

export async function runPageLoadBench(argv: readonly string[]): Promise<Measurement[]> {
  const loads = numberFlag(parseFlags(argv, ['loads']), 'loads', 20);
  const found = chromiumPath();
  if ('missing' in found) throw new Error(`web bench: ${found.missing}`);
  const demo = await demoDb();
  const server = await serveDemo(demo.db);
  const chrome = await launchChromium(found.path);
  const all: number[] = [];
  const out: Measurement[] = [];
  try {
    for (const p of STATUS_PAGES) {
      const samples: number[] = [];
      for (let i = 0; i < loads + 1; i++) {
        const context = await chrome.browser.createBrowserContext();
        const page = await context.newPage();
        await page.setViewport({ width: 1366, height: 768 });
        const t0 = performance.now();
        await page.goto(`${server.url}/#/${p.id}?tenant=${p.tenant}`, { waitUntil: 'domcontentloaded' });
        await page.waitForSelector(p.ready, { timeout: 30_000 });
        const ms = performance.now() - t0;
        await context.close();
        if (i > 0) samples.push(ms); // the first load of each page warms the server's statement caches
      }
      all.push(...samples);
      out.push(...figures(p.id, samples, `${loads} cold loads (fresh browser context), 1366x768, demo db`));
    }
    out.push(...figures('all', all, `${all.length} loads over ${STATUS_PAGES.length} pages`));
  } finally {
    await chrome.close();
    await server.stop();
    demo.close();
  }
  return out;
}
