/**
 * The request list's vocabulary: the orders it can be sorted in, the escalation filter, and the opaque keyset
 * cursor that makes paging exact in every order. Pure: unit-tested in request-list.test.ts.
 */
import { PRIORITIES, STATUSES } from './request.ts';

/**
 * created: the order requests were filed in (their number); updated: last change; priority: by rank
 * (low < medium < high < urgent); status: by workflow position (new < in progress < waiting < resolved < archived).
 * Ties are broken by the number, in the same direction, so every order is total and a page boundary is exact.
 */
export const SORTS = ['created', 'updated', 'priority', 'status'] as const;
export type Sort = (typeof SORTS)[number];
export const ORDERS = ['asc', 'desc'] as const;
export type Order = (typeof ORDERS)[number];

/**
 * Which requests by their latest escalation (the most recent attempt is what an agent acts on):
 * not_escalated: never escalated, or unlinked (its latest escalation's link was ended); escalated: being sent, or a
 * conversation exists (sending, created, linked);
 * failed: nothing was created (failed) or the conversation could not be linked back (link_failed).
 * The three are a partition: every request is in exactly one. Within escalated, by the linked conversation's state
 * in the destination: waiting_on_destination: open there (they must act) while the request is not resolved or
 * archived; done_in_destination: done there.
 */
export const ESCALATION_FILTERS = ['escalated', 'not_escalated', 'failed', 'waiting_on_destination', 'done_in_destination'] as const;
export type EscalationFilter = (typeof ESCALATION_FILTERS)[number];
export const ESCALATED_STATES = ['sending', 'created', 'linked'] as const;
export const FAILED_STATES = ['failed', 'link_failed'] as const;

/** 1-based ranks, as SQL's array_position gives them for the same arrays. */
export const PRIORITY_RANKS = PRIORITIES;
export const STATUS_RANKS = STATUSES;

/**
 * Where a page ended: the sort and order it belongs to, the last row's sort value as an integer (a rank, a number,
 * or a timestamp in microseconds since 1970: Postgres keeps microseconds, which a JS Date would round away), and its
 * number.
 */
export interface ListCursor {
  sort: Sort;
  order: Order;
  value: string;
  number: string;
}

export function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.order, c.value, c.number])).toString('base64url');
}

/** The cursor, or null when it is not one this list made (or is for another sort or order). */
export function decodeCursor(text: string, sort: Sort, order: Order): ListCursor | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || !parsed.every((x) => typeof x === 'string')) return null;
  const [s, o, value, number] = parsed as string[];
  if (s !== sort || o !== order || !/^\d{1,18}$/.test(number!)) return null;
  return /^-?\d{1,18}$/.test(value!) ? { sort, order, value: value!, number: number! } : null;
}
