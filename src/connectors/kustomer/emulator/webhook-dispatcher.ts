/**
 * Outbound webhook deliveries (docs/kustomer.md §17, §18), POSTed after the API reply (never blocking it), in the shape of a recorded real
 * delivery (jasbanza/osl-kustomer-notifications-bot processor.php, 2022; pipedream components/kustomer/sources/
 * updated-conversation-instant/test-event.mjs): `partition` is the org id and there is no `orgName` (the 2022
 * recording has none, so Bridgedesk must not need it). Each delivery carries `X-Kustomer-Webhook-Event` (confirmed,
 * jasbanza index.php) and the webhook's custom headers (documented: developer.kustomer.com list-outbound-webhooks
 * "such as a shared secret your gateway checks"; kustomer/kustomer-apps-starter-configs my-first-outbound-webhook.js).
 * `X-Kustomer-Webhook-Signature` (hex HMAC-SHA256 of the body keyed with the token) is only in the newest docs, with
 * no independent confirmation, so signing is OFF unless asked for.
 *
 * Kustomer disables a webhook whose deliveries keep failing (`enabled: false`, `isError: true`; documented by
 * docs.digitalgenius.com and developer.kustomer.com, not recorded; how many failures is not published, so it is an
 * option here) and then sends it nothing until it is enabled again.
 *
 * Test controls shape delivery the ways Kustomer's at-least-once, unordered delivery can: drop, duplicate, hold then
 * release out of order, and retry failed ones on demand (Kustomer retries on its own for about an hour; the emulator
 * does not run timers, so a test triggers the retry).
 */
import { createHmac } from 'node:crypto';
import { newObjectId } from './object-id.ts';
import type { OrgRecord, WebhookRecord } from './records.ts';
import { inOrg, type EmulatorStore } from './store.ts';

export type Deliver = (url: string, init: RequestInit) => Promise<Response>;

export interface AttributeChange {
  op: 'replace' | 'add' | 'remove';
  before?: unknown;
  after?: unknown;
}

export interface EventChanges {
  attributes: Record<string, AttributeChange>;
  relationships: Record<string, AttributeChange>;
}

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  url: string;
  /** Event name, e.g. kustomer.conversation.update (also the X-Kustomer-Webhook-Event header). */
  event: string;
  /** The envelope's id; the same on duplicates and retries (receivers dedupe on it). */
  eventId: string;
  body: unknown;
  rawBody: string;
  /** Null when signing is off. */
  signature: string | null;
  /** `not_sent`: the webhook was disabled (by Kustomer, after failures) before this delivery went out. */
  state: 'pending' | 'held' | 'dropped' | 'delivered' | 'failed' | 'not_sent';
  /** The receiver's status; null when not sent or the connection failed. */
  httpStatus: number | null;
  error: string | null;
  /** 1 for the first send; retries of a failed delivery count up. */
  attempt: number;
  duplicate: boolean;
  queuedAt: string;
  finishedAt: string | null;
}

export const defaultDeliver: Deliver = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });

export const signWebhookBody = (rawBody: string, token: string) => createHmac('sha256', token).update(rawBody).digest('hex');

/** After this many failed deliveries in a row a webhook is disabled. Kustomer does not publish its number ([I]). */
export const DEFAULT_FAILURES_BEFORE_DISABLE = 10;

export interface DispatcherOptions {
  /** Sign deliveries with X-Kustomer-Webhook-Signature. (Default: false; the header is unconfirmed, see above.) */
  signing?: boolean;
  /** Failed deliveries in a row that disable a webhook. (Default: DEFAULT_FAILURES_BEFORE_DISABLE.) */
  failuresBeforeDisable?: number;
}

export class WebhookDispatcher {
  readonly deliveries: DeliveryRecord[] = [];
  signing: boolean;
  failuresBeforeDisable: number;
  private dropRemaining = 0;
  private duplicateRemaining = 0;
  private holding = false;
  private held: DeliveryRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: { store: EmulatorStore; now: () => Date; deliver: Deliver } & DispatcherOptions) {
    this.signing = deps.signing ?? false;
    this.failuresBeforeDisable = deps.failuresBeforeDisable ?? DEFAULT_FAILURES_BEFORE_DISABLE;
  }

  /** Sends `name` about `data` (a rendered resource) to every enabled webhook of the org subscribed to it. */
  emit(org: OrgRecord, name: string, data: { id: string }, opts: { changes?: EventChanges; client: string }): void {
    const now = this.deps.now();
    for (const hook of inOrg(this.deps.store.webhooks, org.id)) {
      if (!hook.enabled || !hook.events.includes(name)) continue;
      const envelope = {
        id: newObjectId(now),
        name,
        org: org.id,
        partition: org.id,
        createdAt: now.toISOString(),
        dataId: data.id,
        client: opts.client,
        persist: true,
        data,
        ...(opts.changes ? { changes: opts.changes, meta: { customChanged: 'custom' in opts.changes.attributes } } : {}),
        snsFilters: [],
      };
      const rawBody = JSON.stringify(envelope);
      const base = {
        webhookId: hook.id,
        url: hook.url,
        event: name,
        eventId: envelope.id,
        body: envelope,
        rawBody,
        signature: this.signing ? signWebhookBody(rawBody, hook.token) : null,
        httpStatus: null,
        error: null,
        attempt: 1,
        queuedAt: now.toISOString(),
        finishedAt: null,
      };
      if (this.dropRemaining > 0) {
        this.dropRemaining--;
        this.deliveries.push({ ...base, id: newObjectId(now), state: 'dropped', duplicate: false });
        continue;
      }
      const copies = this.duplicateRemaining > 0 ? (this.duplicateRemaining--, 2) : 1;
      for (let i = 0; i < copies; i++) this.enqueue({ ...base, id: newObjectId(now), state: 'pending', duplicate: i > 0 });
    }
  }

  /** The next `count` deliveries are recorded as dropped and never sent. */
  dropNext(count: number): void {
    this.dropRemaining += count;
  }

  /** The next `count` deliveries are each sent twice (same event id and body). */
  duplicateNext(count: number): void {
    this.duplicateRemaining += count;
  }

  /** Keep deliveries until `release` (for out-of-order tests). */
  hold(): void {
    this.holding = true;
  }

  /** Sends the held deliveries one after another, newest first by default; resolves when all are done. */
  async release(order: 'reverse' | 'original' = 'reverse'): Promise<void> {
    this.holding = false;
    const batch = order === 'reverse' ? this.held.reverse() : this.held;
    this.held = [];
    const run = (async () => {
      for (const d of batch) await this.send(d);
    })();
    this.track(run);
    await run;
  }

  /** Sends every failed delivery again as a new attempt (what Kustomer's retry schedule would do), except to a disabled webhook. */
  async retryFailed(): Promise<void> {
    const failed = this.deliveries.filter(
      (d) =>
        d.state === 'failed' &&
        this.deps.store.webhooks.get(d.webhookId)?.enabled &&
        !this.deliveries.some((n) => n.eventId === d.eventId && n.webhookId === d.webhookId && n.attempt > d.attempt),
    );
    for (const d of failed)
      this.enqueue({ ...d, id: newObjectId(this.deps.now()), state: 'pending', attempt: d.attempt + 1, httpStatus: null, error: null, finishedAt: null });
    await this.idle();
  }

  /** Resolves when no delivery is in flight (held ones excluded). Tests await this instead of sleeping. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  reset(): void {
    this.deliveries.length = 0;
    this.held = [];
    this.dropRemaining = 0;
    this.duplicateRemaining = 0;
    this.holding = false;
  }

  private enqueue(d: DeliveryRecord): void {
    this.deliveries.push(d);
    if (this.holding) {
      d.state = 'held';
      this.held.push(d);
      return;
    }
    // A macrotask later, so the API reply is on its way before any delivery starts.
    this.track(new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => this.send(d)));
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async send(d: DeliveryRecord): Promise<void> {
    const hook = this.deps.store.webhooks.get(d.webhookId);
    if (!hook?.enabled) {
      d.state = 'not_sent';
      d.finishedAt = this.deps.now().toISOString();
      return;
    }
    // The headers as configured now: a header changed by PUT applies to deliveries still queued.
    const headers: Record<string, string> = {
      ...Object.fromEntries(hook.headers.map((h) => [h.name, h.value])),
      'content-type': 'application/json',
      'x-kustomer-webhook-event': d.event,
      ...(d.signature ? { 'x-kustomer-webhook-signature': d.signature } : {}),
    };
    try {
      const res = await this.deps.deliver(d.url, { method: 'POST', headers, body: d.rawBody });
      await res.arrayBuffer().catch(() => undefined);
      d.httpStatus = res.status;
      d.state = res.ok ? 'delivered' : 'failed';
    } catch (err) {
      d.state = 'failed';
      d.error = err instanceof Error ? err.message : String(err);
    }
    d.finishedAt = this.deps.now().toISOString();
    this.countOutcome(hook, d.state === 'delivered');
  }

  private countOutcome(hook: WebhookRecord, ok: boolean): void {
    if (ok) {
      hook.consecutiveFailures = 0;
      return;
    }
    hook.consecutiveFailures += 1;
    if (hook.enabled && hook.consecutiveFailures >= this.failuresBeforeDisable) {
      hook.enabled = false;
      hook.isError = true;
      hook.updatedAt = this.deps.now().toISOString();
    }
  }
}
