/**
 * Words for escalations: states, Kustomer priorities and channels, retry lines, and the Test escalation's steps.
 * Pure: unit-tested in escalation-format.test.ts.
 */
import type { Escalation, EscalationState } from '../../api/escalations.ts';
import type { TimelineEntry } from '../../../server/schemas/request.ts';
import { humanize } from '../../ui/format.ts';

export const STATE_LABELS: Record<EscalationState, string> = {
  sending: 'Sending…',
  created: 'Created',
  linked: 'Linked',
  link_failed: 'Link failed',
  failed: 'Failed',
  unlinked: 'Unlinked',
};
export const stateLabel = (s: string): string => STATE_LABELS[s as EscalationState] ?? humanize(s);

/**
 * Kustomer's 1–5 scale in words. 3 is Kustomer's normal (what a conversation created without a priority gets), so
 * the words match the default priority map (low 2, medium 3, high 4, urgent 5). Kustomer's own labels are not
 * confirmed by any public source.
 */
const PRIORITY_WORDS: Record<number, string> = { 1: 'Lowest', 2: 'Low', 3: 'Normal', 4: 'High', 5: 'Urgent' };
/** "3 — Normal" */
export const destinationPriorityLabel = (n: number): string => (PRIORITY_WORDS[n] ? `${n} — ${PRIORITY_WORDS[n]}` : String(n));

const CHANNEL_LABELS: Record<string, string> = {
  email: 'Email',
  sms: 'SMS',
  chat: 'Chat',
  facebook: 'Facebook',
  'twitter-dm': 'Twitter DM',
  'twitter-tweet': 'Twitter tweet',
  voice: 'Voice',
  instagram: 'Instagram',
  whatsapp: 'WhatsApp',
};
export const channelLabel = (c: string): string => CHANNEL_LABELS[c] ?? humanize(c.replace(/-/g, ' '));

/**
 * Kustomer's first-message channels, for the Test escalation card (the request's Escalate form gets them from
 * escalation-options; the integration's GET does not list them). Mirrors MESSAGE_CHANNELS in the connector.
 */
export const KUSTOMER_CHANNELS = Object.keys(CHANNEL_LABELS);

/**
 * A long remote id shortened for prose: "5f1c2a9b…". Every place that shows a Kustomer conversation id shows this
 * form, with the whole id in its title (and a Copy button where one is useful): see ui/conversation-id.tsx.
 */
export const shortId = (id: string): string => (id.length > 10 ? `${id.slice(0, 8)}…` : id);

/** Part of a line: text, or a conversation id (shown short, whole in its title) that links to it when its url is known. */
export type LinePart = string | { id: string; href: string | null };

/** The text of parts, ids short. */
export const partsText = (parts: LinePart[]): string => parts.map((p) => (typeof p === 'string' ? p : shortId(p.id))).join('');

/**
 * Text that may hold whole Kustomer ids (24 hex digits, docs/kustomer.md: ids are Mongo ObjectId-style), as parts:
 * the ids become id parts, so they show like every other conversation id. E.g. a workflow step's summary.
 */
export function idParts(text: string, href: string | null = null): LinePart[] {
  const out: LinePart[] = [];
  let last = 0;
  for (const m of text.matchAll(/\b[0-9a-f]{24}\b/g)) {
    if (m.index! > last) out.push(text.slice(last, m.index));
    out.push({ id: m[0], href });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Kustomer's custom attribute name suffixes (docs/kustomer.md, custom attributes): the type, not part of the name. */
const ATTRIBUTE_SUFFIX = /(Str|Num|At|Bool|Txt|Url|Ref|Tree|Date)$/;

/**
 * A Kustomer custom attribute's name in words when its label is not known: "orderNumberStr" → "Order number".
 * Entries written since the labels were recorded carry the mapped field's label instead.
 */
export function remoteFieldLabel(name: string): string {
  const words = name
    .replace(ATTRIBUTE_SUFFIX, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : name;
}

/**
 * A failure reason as people read it: our connector's "Server error 503" is "Kustomer answered 503".
 * Anything else is kept as written.
 */
export function reasonWords(reason: string, destination = 'Kustomer'): string {
  const m = /^(?:server error|http|status)\s*(\d{3})\b(.*)$/i.exec(reason.trim());
  return m ? `${destination} answered ${m[1]}${m[2] ?? ''}` : reason;
}

/** "10:42" in the viewer's time zone. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

export const targetLabel = (t: Escalation['target']): string | null => (t ? (t.name ?? `${t.kind} ${t.id}`) : null);

/**
 * What went wrong and what happens next: "Retrying at 10:42 — Server error 503" while the worker will try again,
 * the error alone once it stopped, null when all is well.
 */
export function problemLine(e: Pick<Escalation, 'state' | 'lastError' | 'nextAttemptAt'>, clock: (iso: string) => string = formatClock): string | null {
  if (e.nextAttemptAt && (e.state === 'sending' || e.state === 'created' || e.state === 'link_failed')) {
    return `Retrying at ${clock(e.nextAttemptAt)}${e.lastError ? ` — ${e.lastError}` : ''}`;
  }
  if (e.state === 'failed' || e.state === 'link_failed')
    return e.lastError ?? (e.state === 'failed' ? 'Nothing was created' : 'The back-link could not be posted');
  return null;
}

// ---------- Test escalation: each step's outcome ----------

export type StepStatus = 'done' | 'active' | 'retrying' | 'failed' | 'pending';

export interface TestStep {
  key: 'requested' | 'customer' | 'conversation' | 'link';
  label: string;
  status: StepStatus;
  detail: string | null;
  /** The conversation's id (shown short, whole in its title), on the step that created it. */
  conversationId?: string;
  link?: { text: string; href: string };
}

/**
 * requested → customer → conversation created → back-link posted. Steps done show what they did (from the
 * timeline entries of this escalation); the first step not done is the one under way, retrying, or failed.
 */
export function testEscalationSteps(e: Escalation, entries: TimelineEntry[], clock: (iso: string) => string = formatClock): TestStep[] {
  const mine = entries.filter((x) => x.data.escalationId === e.id);
  const last = (...types: string[]) => [...mine].reverse().find((x) => types.includes(x.type));
  const customer = last('escalation.customer_matched', 'escalation.customer_created');
  const email = typeof customer?.data.email === 'string' ? customer.data.email : null;
  const target = targetLabel(e.target);

  const steps: TestStep[] = [
    {
      key: 'requested',
      label: 'Requested',
      status: 'done',
      detail: [target && `To ${target}`, e.channel && `by ${channelLabel(e.channel)}`].filter(Boolean).join(' ') || null,
    },
    {
      key: 'customer',
      label: 'Customer',
      status: customer || e.conversationId ? 'done' : 'pending',
      detail: customer
        ? `${customer.type === 'escalation.customer_matched' ? 'Matched existing customer' : 'Created customer'}${email ? ` ${email}` : ''}`
        : null,
    },
    {
      key: 'conversation',
      label: 'Conversation created',
      status: e.conversationId ? 'done' : 'pending',
      detail: e.conversationId ? 'Conversation' : null,
      ...(e.conversationId ? { conversationId: e.conversationId } : {}),
      ...(e.conversationId && e.conversationUrl ? { link: { text: 'Open in Kustomer', href: e.conversationUrl } } : {}),
    },
    {
      key: 'link',
      label: 'Back-link posted',
      status: e.state === 'linked' ? 'done' : 'pending',
      detail: e.state === 'linked' ? 'The conversation links back to the sample request' : null,
    },
  ];
  const current = steps.find((s) => s.status !== 'done');
  if (current) {
    const stopped = e.state === 'failed' || (e.state === 'link_failed' && !e.nextAttemptAt);
    current.status = stopped ? 'failed' : e.nextAttemptAt ? 'retrying' : 'active';
    current.detail = stopped || e.nextAttemptAt ? problemLine(e, clock) : null;
  }
  return steps;
}
