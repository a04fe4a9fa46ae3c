/**
 * Kustomer's outbound webhooks (docs/kustomer.md §17, §18): verify the signature (hex HMAC-SHA256 of the raw body keyed
 * with the webhook's token, header X-Kustomer-Webhook-Signature), parse the envelope, and map it to domain events.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DestinationEvent, RemoteStatus } from '../../core/destination.ts';
import { ConversationAttributes, MessageAttributes, WebhookEvent } from './wire.ts';


const STATUS: Record<string, RemoteStatus> = { open: 'open', snoozed: 'waiting', done: 'closed' };

export function verifySignature(rawBody: string, signature: string | undefined, signingKey: string): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', signingKey).update(rawBody).digest('hex');
  const given = Buffer.from(signature.trim().toLowerCase(), 'utf8');
  const want = Buffer.from(expected, 'utf8');
  return given.length === want.length && timingSafeEqual(given, want);
}

export const SIGNATURE_HEADER = 'x-kustomer-webhook-signature';

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
    return { kind: 'ticket', ...base, remoteId: e.data.id, status: STATUS[attrs.data.status]!, updatedAt: attrs.data.updatedAt };
  }
  if (e.name === 'kustomer.message.create') {
    const attrs = MessageAttributes.safeParse(e.data.attributes);
    const conv = e.data.relationships?.conversation?.data;
    if (!attrs.success || !conv || Array.isArray(conv)) return null;
    // direction in = from the customer, out = to the customer, createdAt = when it was written (docs/kustomer.md §6
    // Message, documented only: S-OAS). Deliveries may arrive out of order (§17, documented only), so the timeline
    // orders synced messages by writtenAt, not by arrival.
    const from = attrs.data.meta?.from;
    return {
      kind: 'message',
      ...base,
      ticketId: conv.id,
      body: attrs.data.preview ?? '',
      channel: attrs.data.channel,
      fromUs: attrs.data.app === 'bridgedesk',
      direction: attrs.data.direction,
      author: typeof from === 'string' && from.trim() ? from.trim().slice(0, 200) : null,
      writtenAt: attrs.data.createdAt,
    };
  }
  return { kind: 'ignored', ...base };
}

export const WEBHOOK_EVENTS = ['kustomer.conversation.create', 'kustomer.conversation.update', 'kustomer.message.create'];
