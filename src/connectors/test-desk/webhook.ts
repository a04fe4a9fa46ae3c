/** The test destination's webhook: a JSON event carrying the connection's secret in a header, as Bridgedesk asked. */
import { z } from 'zod';
import type { DestinationEvent } from '../../core/destination.ts';

export const SECRET_HEADER = 'X-Bridgedesk-Webhook-Secret';

const Event = z.object({
  id: z.string().min(1),
  createdAt: z.iso.datetime(),
  ticket: z.object({ id: z.string().min(1), status: z.enum(['open', 'waiting', 'closed']), updatedAt: z.iso.datetime() }),
});

/** The event, or null when the secret header is not one accepted now or the body is not a desk event. */
export function readDeskWebhook(rawBody: string, headers: Headers, secrets: readonly string[]): DestinationEvent | null {
  // A test destination holds no one's data; a plain comparison is enough here (Kustomer's compares in constant time).
  if (!secrets.includes(headers.get(SECRET_HEADER) ?? '')) return null;
  const event = parseEvent(rawBody);
  if (!event) return null;
  const { id, createdAt, ticket } = event;
  return { kind: 'ticket', eventId: id, createdAt, remoteId: ticket.id, status: ticket.status, updatedAt: ticket.updatedAt };
}

function parseEvent(rawBody: string) {
  try {
    return Event.parse(JSON.parse(rawBody));
  } catch {
    return null; // not JSON, or not a desk event
  }
}
