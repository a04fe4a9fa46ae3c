/**
 * createKustomerEmulator: a faithful-where-it-matters Kustomer REST API (see README.md) as one fetch handler,
 * usable in-process by tests and served over HTTP by serveEmulator. Paths under /__emulator/ are the test controls;
 * everything else is Kustomer's API.
 */
import { handleConsoleRequest, isConsolePath } from './agent-console-routes.ts';
import { createApiApp } from './api-app.ts';
import { AttachmentBucket, BUCKET_PATH } from './attachment-bucket.ts';
import { handleBucketCall } from './bucket-calls.ts';
import { handleApiCall } from './api-pipeline.ts';
import { CallLog } from './call-log.ts';
import { createControlApp } from './control-routes.ts';
import { createEmulatorControl, type EmulatorControl } from './emulator-control.ts';
import { FaultInjector } from './faults.ts';
import { RateLimiter } from './rate-limit.ts';
import { EmulatorStore } from './store.ts';
import { restoreStore, snapshotStore } from './store-snapshot.ts';
import { defaultDeliver, WebhookDispatcher, type Deliver } from './webhook-dispatcher.ts';

export interface KustomerEmulatorOptions {
  /** The clock for timestamps, ids, key expiry and rate-limit windows. (Default: the system clock.) */
  now?: () => Date;
  /** Sends a webhook delivery. (Default: global fetch with a 10 s timeout.) */
  deliver?: Deliver;
  /** Draws for faults given as a `share` of calls, in [0, 1). (Default: Math.random.) */
  random?: () => number;
  /** Length of the rate-limit window; tests shorten it. (Default: 60 s, as Kustomer.) */
  rateWindowMs?: number;
  /**
   * Sign webhook deliveries with X-Kustomer-Webhook-Signature. (Default: false: only Kustomer's newest docs describe
   * the header and nothing confirms it, so a receiver must work without it; see webhook-dispatcher.ts.)
   */
  webhookSigning?: boolean;
  /** Failed deliveries in a row after which Kustomer disables a webhook. (Default: 10, a guess.) */
  webhookFailuresBeforeDisable?: number;
}

export interface KustomerEmulator {
  /**
   * A standard fetch handler. Rejects only when a `lost_reply` fault with `reply: 'close'` drops the connection,
   * or when the request's signal aborts during a `slow` fault, as a real fetch would.
   */
  fetch: (req: Request) => Promise<Response>;
  control: EmulatorControl;
  /** Every record as text (store-snapshot.ts), for `restore` in a later process. */
  snapshot(): string;
  /** Replaces every record with a snapshot's. */
  restore(snapshot: string): void;
}

export const CONTROL_PREFIX = '/__emulator';

export function createKustomerEmulator(options: KustomerEmulatorOptions = {}): KustomerEmulator {
  const now = options.now ?? (() => new Date());
  const store = new EmulatorStore();
  const webhooks = new WebhookDispatcher({
    store,
    now,
    deliver: options.deliver ?? defaultDeliver,
    signing: options.webhookSigning,
    failuresBeforeDisable: options.webhookFailuresBeforeDisable,
  });
  const limiter = new RateLimiter(now, options.rateWindowMs);
  const faults = new FaultInjector(options.random ?? Math.random);
  const calls = new CallLog();
  const bucket = new AttachmentBucket();
  const deps = { store, now, webhooks, bucket };
  const api = createApiApp({ ...deps, limiter });
  const control = createEmulatorControl({ ...deps, limiter, faults, calls });
  const controlApp = createControlApp(control);

  return {
    control,
    snapshot: () => snapshotStore(store),
    restore: (snapshot) => restoreStore(store, snapshot),
    async fetch(req) {
      const { pathname } = new URL(req.url);
      if (pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`)) return controlApp.fetch(req);
      if (pathname === BUCKET_PATH || pathname.startsWith(`${BUCKET_PATH}/`)) return handleBucketCall(req, { store, bucket, now, faults, calls });
      // The stand-in for Kustomer's agent app (agent-console-routes.ts): Kustomer serves it on another host than the API.
      if (isConsolePath(pathname)) return handleConsoleRequest(req, { store, control, now });
      return handleApiCall(req, { store, now, limiter, faults, calls, api });
    },
  };
}
