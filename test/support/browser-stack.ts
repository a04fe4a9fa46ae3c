/**
 * The whole stack a browser journey needs, started in one call and stopped in one: a test app on a fresh database,
 * the HTTP server serving the built web UI, and on demand the worker, the Kustomer emulator over HTTP (org "acme",
 * rate limit lifted), a real SMTP inbox; then Chromium, with signed-in pages for the journey's users.
 * Needs dist/web (`npm run build:web`; npm test does it) and Chromium at /usr/bin/chromium.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { listen } from '../../src/cli/serve.ts';
import { seedDemoOrg, serveEmulator, type DemoOrg, type ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import { launchBrowser } from './browser.ts';
import { startSmtpInbox, type SmtpInbox } from './smtp-inbox.ts';
import { createTestApp, type TestApp, type TestUser } from './test-app.ts';

export const LAPTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface BrowserStackOptions {
  /** Settings as environment variables (src/config.ts); KUSTOMER_BASE_URL and KUSTOMER_WEB_URL come with `kustomer`. */
  env?: Record<string, string>;
  /** Runs the graphile worker (deliveries, sync, workflows, mail). */
  worker?: boolean;
  /**
   * Serves the Kustomer emulator with the org "acme" seeded; `webhooksToApp` delivers its webhooks to the app on
   * loopback (the path, which carries the secret, is what counts).
   */
  kustomer?: boolean | { webhooksToApp?: boolean };
  /** A real SMTP server whose mail the test reads (sets SMTP_URL). */
  smtp?: boolean;
  /** The app runs on the real time instead of the test clock that stands still (journeys whose records order by time). */
  realClock?: boolean;
  /** How long a page waits for what it looks for (Playwright's default timeout). */
  timeout: number;
  /** (Default: Debian's, see browser.ts.) */
  chromium?: string;
}

export interface BaseStack {
  t: TestApp;
  /** Where the app listens, e.g. http://127.0.0.1:40123. */
  baseUrl: string;
  browser: Browser;
  /** A page in a context of its own (laptop size unless said), not signed in. */
  newPage(context?: BrowserContextOptions): Promise<Page>;
  /** A new page (laptop size unless said) on which `who` has signed in from `path` (default /requests). */
  signIn(who: TestUser, opts?: { path?: string; context?: BrowserContextOptions }): Promise<Page>;
  /** Signs `who` in on `page` from `path` (default /requests) and waits for the request list. */
  signInOn(page: Page, who: TestUser, path?: string): Promise<void>;
  /** Stops everything started, newest first; once, however often called. */
  stop(): Promise<void>;
}

export interface KustomerStack {
  emulator: ServedEmulator;
  demo: DemoOrg;
  /** Connects the demo org as `admin` through the API and lets agents escalate to the given queues and teams. */
  connectKustomer(admin: TestUser, targets: { queues?: string[]; teams?: string[] }): Promise<void>;
}

export type BrowserStack<O extends BrowserStackOptions> = BaseStack &
  (O extends { kustomer: true | object } ? KustomerStack : unknown) &
  (O extends { smtp: true } ? { inbox: SmtpInbox } : unknown);

export async function startBrowserStack<const O extends BrowserStackOptions>(options: O): Promise<BrowserStack<O>> {
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      const errors: unknown[] = [];
      for (const fn of stops.reverse()) await fn().catch((err: unknown) => errors.push(err));
      if (errors.length) throw new AggregateError(errors, 'stopping the browser stack');
    })());
  try {
    const env: Record<string, string> = { ...options.env };
    let baseUrl = '';
    let kustomer: Omit<KustomerStack, 'connectKustomer'> | undefined;
    if (options.kustomer) {
      const toApp = typeof options.kustomer === 'object' && options.kustomer.webhooksToApp;
      const emulator = await serveEmulator({
        port: 0,
        ...(toApp && {
          deliver: (url: string, init: RequestInit) =>
            baseUrl ? fetch(baseUrl + new URL(url).pathname, init) : Promise.resolve(new Response(null, { status: 503 })),
        }),
      });
      stops.push(() => emulator.close());
      const demo = seedDemoOrg(emulator.control, { name: 'acme' });
      emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
      kustomer = { emulator, demo };
      Object.assign(env, { KUSTOMER_BASE_URL: emulator.url, KUSTOMER_WEB_URL: emulator.url });
    }
    let inbox: SmtpInbox | undefined;
    if (options.smtp) {
      const started = await startSmtpInbox();
      stops.push(() => started.close());
      env.SMTP_URL = started.url;
      inbox = started;
    }
    const t = await createTestApp(env, options.realClock ? { now: () => new Date() } : {});
    stops.push(() => t.stop());
    if (options.worker) await t.startWorker();
    const server = await listen(t.app, 0, '127.0.0.1');
    stops.push(() => server.close());
    baseUrl = `http://127.0.0.1:${server.port}`;
    const browser = await launchBrowser(options.chromium);
    stops.push(() => browser.close());

    const newPage = async (context: BrowserContextOptions = {}) => {
      const page = await (await browser.newContext({ viewport: LAPTOP, ...context })).newPage();
      page.setDefaultTimeout(options.timeout);
      return page;
    };
    const signInOn = async (page: Page, who: TestUser, path = '/requests') => {
      await page.goto(`${baseUrl}${path}`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByLabel('Email').fill(who.email);
      await page.getByLabel('Password').fill(who.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Requests' }).waitFor();
    };
    const connectKustomer: KustomerStack['connectKustomer'] = async (admin, targets) => {
      const connected = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: kustomer!.demo.apiKey });
      expect(connected.status, JSON.stringify(connected.body)).toBe(200);
      const enable = (ids: string[] = []) => ids.map((remoteId) => ({ remoteId, enabled: true }));
      const enabled = await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: enable(targets.queues), teams: enable(targets.teams) });
      expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    };
    const stack: BaseStack = {
      t,
      baseUrl,
      browser,
      newPage,
      async signIn(who, opts = {}) {
        const page = await newPage(opts.context);
        await signInOn(page, who, opts.path);
        return page;
      },
      signInOn,
      stop,
    };
    return { ...stack, ...(kustomer && { ...kustomer, connectKustomer }), ...(inbox && { inbox }) } as BrowserStack<O>;
  } catch (err) {
    // Started half way: what did start is stopped before the failure is reported.
    await stop().catch(() => {});
    throw err;
  }
}
