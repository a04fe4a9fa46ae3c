/**
 * The order in which `npm run bench:sync` posts its webhook events: Kustomer's order (every conversation's events
 * in updatedAt order, conversations interleaved as their changes happened), then a share of the events held back
 * until after a newer event of the same conversation (out of order), then a share of repeats of events already sent
 * (Kustomer delivers at least once and retries), each at a random later position. Seeded: the same plan every run.
 */
import { seededRandom } from './seeded-random.ts';

export interface PlannedEvent {
  /** index into the caller's event list */
  event: number;
  /** the conversation the event is about */
  conversation: number;
  /** its rank in that conversation's sequence (0 = oldest) */
  seq: number;
}

export interface DeliveryPlan {
  /** what to post, in order: indexes into the caller's event list (a duplicate repeats an index) */
  order: number[];
  /** posts of a repeated event (its second sending) */
  duplicates: number;
  /** events whose first sending comes after a newer event of the same conversation was sent */
  outOfOrder: number;
}

/**
 * `events` in Kustomer's order (oldest first overall). `outOfOrder` of them (never the newest of a conversation, which
 * nothing can follow) are moved to just after the 1st to 3rd newer event of their conversation; then `duplicates`
 * distinct events are sent a second time at a random position after their first sending.
 */
export function planDeliveries(events: PlannedEvent[], o: { outOfOrder: number; duplicates: number; seed: number }): DeliveryPlan {
  const random = seededRandom(o.seed);
  const pick = <T>(items: T[], n: number): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  };

  // Each conversation's events by rank, to find "the k-th newer event of the same conversation".
  const byConversation = new Map<number, PlannedEvent[]>();
  for (const e of events) byConversation.set(e.conversation, [...(byConversation.get(e.conversation) ?? []), e]);
  for (const list of byConversation.values()) list.sort((a, b) => a.seq - b.seq);

  const notNewest = events.filter((e) => e.seq < byConversation.get(e.conversation)!.length - 1);
  if (o.outOfOrder > notNewest.length) throw new Error(`cannot send ${o.outOfOrder} events out of order: only ${notNewest.length} have a newer event`);
  const late = new Map<number, number>(); // held-back event -> the event it is sent right after
  for (const e of pick(notNewest, o.outOfOrder)) {
    const list = byConversation.get(e.conversation)!;
    const newer = list.length - 1 - e.seq;
    // The anchor is always newer, so chains (an anchor itself held back) end at a conversation's newest event.
    late.set(e.event, list[e.seq + 1 + Math.floor(random() * Math.min(3, newer))]!.event);
  }
  const following = new Map<number, number[]>();
  for (const [event, anchor] of late) following.set(anchor, [...(following.get(anchor) ?? []), event]);
  const order: number[] = [];
  const send = (event: number) => {
    order.push(event);
    for (const held of following.get(event) ?? []) send(held);
  };
  for (const e of events) if (!late.has(e.event)) send(e.event);
  if (order.length !== events.length) throw new Error(`internal: planned ${order.length} of ${events.length} events`);

  // Repeats: each at a random position after its first sending.
  if (o.duplicates > events.length) throw new Error(`cannot repeat ${o.duplicates} of ${events.length} events`);
  const position = new Map(order.map((event, i) => [event, i]));
  const inserts = pick(order, o.duplicates).map((event) => ({
    event,
    at: position.get(event)! + 1 + Math.floor(random() * (order.length - position.get(event)!)),
  }));
  inserts.sort((a, b) => b.at - a.at); // from the back, so earlier positions stay valid
  for (const { event, at } of inserts) order.splice(at, 0, event);

  // Count what the plan really does: first sendings that come after a newer event of their conversation was sent.
  const info = new Map(events.map((e) => [e.event, e]));
  const newestSent = new Map<number, number>();
  const seen = new Set<number>();
  let outOfOrder = 0;
  for (const event of order) {
    const e = info.get(event)!;
    if (seen.has(event)) continue;
    seen.add(event);
    const newest = newestSent.get(e.conversation) ?? -1;
    if (e.seq < newest) outOfOrder++;
    newestSent.set(e.conversation, Math.max(newest, e.seq));
  }
  return { order, duplicates: o.duplicates, outOfOrder };
}
