/** Escalations: their states, and the text a new one starts with. */
import type { CustomFieldValue } from './custom-fields.ts';

export const ESCALATION_STATES = ['sending', 'created', 'linked', 'link_failed', 'failed', 'unlinked'] as const;
export type EscalationState = (typeof ESCALATION_STATES)[number];

/** Still in play on the destination's side: escalating the same request again asks for confirmation. */
export const isOpenEscalation = (state: EscalationState): boolean => state !== 'failed' && state !== 'unlinked';

/**
 * The longest subject and message an escalation takes. The subject becomes the conversation's name; our connector's
 * wire schema (CreateConversationBody) caps it at 256 as Kustomer documents for names (team names ≤ 256, documented
 * in its API reference; for conversation names assumed, no recording shows the cap). The message
 * cap is ours. Over-limit input is refused (422), never cut.
 */
export const ESCALATION_LIMITS = { subject: 256, message: 50_000 } as const;

/** Delivery runs that call the destination before an escalation is given up (rate-limit waits do not count). */
export const MAX_DELIVERY_ATTEMPTS = 8;

export interface EscalationContext {
  key: string;
  title: string;
  description: string;
  requester: { name: string; email: string };
  service: string | null;
  priority: string;
  tags: string[];
  fields: { label: string; value: CustomFieldValue }[];
  url: string;
}

const show = (v: CustomFieldValue) => (typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v));

/** The subject and message the Escalate form starts with; the agent can edit both. */
export function draftEscalation(r: EscalationContext): { subject: string; message: string } {
  // A request without a description starts the message at its details: no placeholder text reaches Kustomer.
  const description = r.description.trim();
  const lines = [
    ...(description ? [description, ''] : []),
    `Requester: ${r.requester.name} <${r.requester.email}>`,
    ...(r.service ? [`Service: ${r.service}`] : []),
    `Priority: ${r.priority}`,
    ...(r.tags.length ? [`Tags: ${r.tags.join(', ')}`] : []),
    ...r.fields.filter((f) => f.value !== null && f.value !== '').map((f) => `${f.label}: ${show(f.value)}`),
    '',
    `Bridgedesk ${r.key}: ${r.url}`,
  ];
  return { subject: r.title, message: lines.join('\n') };
}

/** The note posted on the destination's conversation, linking back to the request. */
export const backLinkNote = (key: string, url: string, requesterName: string) => `Escalated from Bridgedesk ${key} (requested by ${requesterName}): ${url}`;

export const requestUrl = (publicUrl: string, key: string) => `${publicUrl}/requests/${key}`;
