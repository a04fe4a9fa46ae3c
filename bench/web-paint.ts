/**
 * How fast the request list paints for an agent: Chromium's largest contentful paint (LCP) of /requests, loaded
 * again and again by a signed-in agent (a warm cache, as an agent's day is), against the floor of the same browser
 * painting the server's smallest page (/healthz) over the same connection, in the same run.
 * Goal (issue 16): p50 under 0.5 s on loopback. Used by bench:api once the API figures are in.
 */
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.ts';
import { summarize, type Summary } from './percentiles.ts';

export const PAINT_GOAL_MS = 500;

/** The newest LCP candidate of the page as it is now. */
const largestPaint = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => resolve(list.getEntries().at(-1)!.startTime)).observe({ type: 'largest-contentful-paint', buffered: true });
      }),
  );

export async function measureWebPaint(o: { base: string; email: string; password: string; loads: number }): Promise<{ list: Summary; floor: Summary }> {
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const login = await page.request.post(`${o.base}/api/v1/auth/login`, { data: { email: o.email, password: o.password } });
    if (!login.ok()) throw new Error(`sign-in for the paint benchmark: HTTP ${login.status()} ${await login.text()}`);
    const list: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < o.loads + 2; i++) {
      await page.goto(`${o.base}/requests`);
      await page.getByTestId('request-row').first().waitFor();
      const l = await largestPaint(page);
      await page.goto(`${o.base}/healthz`);
      const f = await largestPaint(page);
      // The first two loads fill the cache (a returning agent's case is the one measured).
      if (i < 2) continue;
      list.push(l);
      floor.push(f);
    }
    return { list: summarize(list), floor: summarize(floor) };
  } finally {
    await browser.close();
  }
}
