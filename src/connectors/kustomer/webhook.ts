/**
 * Kustomer's outbound webhooks (docs/kustomer.md §17, §18): decide whether a delivery is authentic, parse the envelope,
 * and map it to domain events.
 *
 * Authenticity. Only Kustomer's newest docs describe `X-Kustomer-Webhook-Signature` (hex HMAC-SHA256 of the raw body
 * keyed with the webhook's token); nothing independent confirms its name, algorithm or what is signed. Kustomer
 * documents custom headers on outbound webhooks ("such as a shared secret your gateway checks":
 * developer.kustomer.com list-outbound-webhooks) and its own starter app authenticates with one
 * (kustomer/kustomer-apps-starter-configs my-first-outbound-webhook.js). So Bridgedesk sets a per-connection secret
 * header on the webhook, and a delivery is authentic when that header matches OR the signature verifies.
 *
 * Envelope (recorded: jasbanza/osl-kustomer-notifications-bot processor.php; pipedream
 * components/kustomer/sources/updated-conversation-instant/test-event.mjs): `partition` is the org id, `orgName` may
 * be absent, and an update's `changes` list bookkeeping fields beside the real change. An update whose changes are
 * bookkeeping only says nothing new about the conversation, so it is ignored.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { DestinationEvent } from '../../core/destination.ts';
import { KUSTOMER_TO_STATUS, threadMark, ticketDetails } from './ticket-details.ts';
import { ConversationAttributes, WebhookEvent } from './wire.ts';

/** The custom header Bridgedesk asks Kustomer to send with every delivery; its value is the connection's secret. */
export const SECRET_HEADER = 'X-Bridgedesk-Webhook-Secret';
export const SIGNATURE_HEADER = 'x-kustomer-webhook-signature';

/**
 * Fields Kustomer lists in `changes` on every write (recorded: rev, updatedAt, modifiedAt, modificationHistory in
 * pipedream's updated-conversation test event). A change made only of these changes nothing Bridgedesk syncs.
 */
export const BOOKKEEPING_FIELDS: ReadonlySet<string> = new Set(['rev', 'updatedAt', 'modifiedAt', 'modificationHistory']);

export function verifySignature(rawBody: string, signature: string | undefined, signingKey: string): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', signingKey).update(rawBody).digest('hex');
  const given = Buffer.from(signature.trim().toLowerCase(), 'utf8');
  const want = Buffer.from(expected, 'utf8');
  return given.length === want.length && timingSafeEqual(given, want);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time: every accepted secret is compared (digests of equal length), whatever matched first. */
export function verifySecretHeader(given: string | undefined, secrets: readonly string[]): boolean {
  if (!given) return false;
  const g = digest(given);
  let ok = false;
  for (const s of secrets) ok = timingSafeEqual(g, digest(s)) || ok;
  return ok;
}

export interface WebhookAuth {
  /** The webhook's token from Kustomer, if it gave one: the key of X-Kustomer-Webhook-Signature. */
  signingKey: string | null;
  /** Values of SECRET_HEADER accepted now (the current one, and the previous one during a rotation's grace). */
  secrets: readonly string[];
}

/** True when the secret header matches or the signature verifies; with neither configured, the secret URL alone decides. */
export function isAuthentic(rawBody: string, headers: Headers, auth: WebhookAuth): boolean {
  if (auth.signingKey === null && auth.secrets.length === 0) return true;
  const byHeader = verifySecretHeader(headers.get(SECRET_HEADER) ?? undefined, auth.secrets);
  const bySignature = auth.signingKey !== null && verifySignature(rawBody, headers.get(SIGNATURE_HEADER) ?? undefined, auth.signingKey);
  return byHeader || bySignature;
}

function onlyBookkeeping(changes: WebhookEvent['changes']): boolean {
  if (!changes) return false;
  const attributes = Object.keys(changes.attributes ?? {});
  const relationships = Object.keys(changes.relationships ?? {});
  return relationships.length === 0 && attributes.every((a) => BOOKKEEPING_FIELDS.has(a));
}

/** Returns null when the body is not a Kustomer event at all. */
export function parseWebhook(rawBody: string): DestinationEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return null;
  }
  const parsed = WebhookEvent.safeParse(json);
  if (!parsed.success) return null;
  const e = parsed.data;
  const base = { eventId: e.id, createdAt: e.createdAt };
  if (e.name === 'kustomer.conversation.update' || e.name === 'kustomer.conversation.create') {
    const attrs = ConversationAttributes.safeParse(e.data.attributes);
    if (!attrs.success) return null;
    if (e.name === 'kustomer.conversation.update' && onlyBookkeeping(e.changes)) return { kind: 'ignored', ...base };
    const { status, updatedAt } = attrs.data;
    return {
      kind: 'ticket',
      ...base,
      remoteId: e.data.id,
      status: KUSTOMER_TO_STATUS[status],
      updatedAt,
      details: ticketDetails(attrs.data, e.data.relationships),
      threadMark: threadMark(attrs.data),
    };
  }
  if (e.name === 'kustomer.message.create') {
    // The message itself is read with the thread (read-thread.ts), which names its author: one path writes it.
    const conv = e.data.relationships?.conversation?.data;
    if (!conv || Array.isArray(conv)) return null;
    return { kind: 'message', ...base, ticketId: conv.id };
  }
  return { kind: 'ignored', ...base };
}

export const WEBHOOK_EVENTS = ['kustomer.conversation.create', 'kustomer.conversation.update', 'kustomer.message.create'];
