/**
 * The test destination's own system: an in-memory ticket desk, one per account name, living in the test process. It
 * keeps what a real destination keeps (tickets with their requester's email, notes, messages, queues, teams, a webhook
 * subscription); unlike Kustomer it has no contacts of its own, so opening skips that step. It finds
 * what an earlier attempt wrote by the external id it was given, and fails on demand the three ways a connector can
 * fail (auth, permanent, retryable with a wait), before or after the write (a lost reply).
 */
import { randomUUID } from 'node:crypto';
import type { FailureKind } from '../kit/errors.ts';
import type { DestinationTarget, RemoteStatus, RemoteTicket } from '../../core/destination.ts';

export interface DeskFailure {
  kind: FailureKind;
  /** retryable: how long the desk asks the caller to wait. */
  retryAfterMs?: number;
  /** The write happens, but its reply is lost: a retry must find it by its external id. */
  lostReply?: boolean;
  /** Only this call to the desk (e.g. 'createTicket'); any call when absent. */
  call?: DeskCall;
}

/** The desk's own API: what the client calls, one name per operation. */
export type DeskCall =
  | 'checkKey'
  | 'listTargets'
  | 'findTicket'
  | 'createTicket'
  | 'getTicket'
  | 'updateTicket'
  | 'findEntry'
  | 'addEntry'
  | 'ticketsUpdatedSince'
  | 'subscribe'
  | 'getSubscription'
  | 'updateSubscription'
  | 'unsubscribe';

export interface DeskEntry {
  remoteId: string;
  ticketId: string;
  kind: 'note' | 'message';
  body: string;
  externalId: string | null;
}

export type TestDesk = ReturnType<typeof createTestDesk>;

const desks = new Map<string, TestDesk>();

export const newId = () => randomUUID().replaceAll('-', '');

/** A desk with a queue and a team; its account name is unique unless given. */
export function createTestDesk(account = `desk-${newId().slice(0, 10)}`) {
  const failures: DeskFailure[] = [];
  const desk = {
    account,
    secret: `tdk_${newId()}`,
    targets: [
      { kind: 'queue', remoteId: 'q-support', name: 'Support' },
      { kind: 'team', remoteId: 't-specialists', name: 'Specialists' },
    ] as DestinationTarget[],
    tickets: [] as RemoteTicket[],
    entries: [] as DeskEntry[],
    subscription: null as { remoteId: string; url: string; secret: string; enabled: boolean } | null,
    /** Every call the client made, in order. */
    calls: [] as DeskCall[],
    /** The next `count` calls fail this way. */
    failNext: (failure: DeskFailure, count = 1) => void failures.push(...Array.from({ length: count }, () => failure)),
    /** Taken by the client before each call: the first failure waiting for this call. */
    takeFailure: (call: DeskCall): DeskFailure | undefined => {
      const i = failures.findIndex((f) => !f.call || f.call === call);
      return i < 0 ? undefined : failures.splice(i, 1)[0];
    },
    /** A change made in the desk itself (by one of its agents): the ticket's status moves and its updatedAt too. */
    setStatus(ticketId: string, status: RemoteStatus): RemoteTicket {
      const ticket = desk.tickets.find((t) => t.remoteId === ticketId);
      if (!ticket) throw new Error(`No ticket ${ticketId} in ${account}`);
      Object.assign(ticket, { status, updatedAt: new Date().toISOString() });
      return ticket;
    },
  };
  desks.set(account, desk);
  return desk;
}

export const findTestDesk = (account: string) => desks.get(account);
