/**
 * What the domain knows of a ticketing system we escalate into ("a destination"), independent of any vendor.
 * Connectors map their own shapes to these.
 */

/** A place a destination routes tickets to: a queue or a team. */
export interface DestinationTarget {
  kind: 'queue' | 'team';
  remoteId: string;
  name: string;
}

/** open: someone must act; waiting: parked until a date or a reply; closed: done on their side. */
export type RemoteStatus = 'open' | 'waiting' | 'closed';

export interface RemoteContact {
  remoteId: string;
  email: string | null;
  name: string | null;
}

export interface RemoteTicket {
  remoteId: string;
  externalId: string | null;
  contactId: string | null;
  status: RemoteStatus;
  subject: string | null;
  priority: number | null;
  targetQueueId: string | null;
  targetTeamIds: string[];
  channels: string[];
  customValues: Record<string, unknown>;
  url: string;
  updatedAt: string;
}

export type RemoteFieldType = 'text' | 'long_text' | 'number' | 'date' | 'boolean' | 'url' | 'reference' | 'list' | 'other';

export interface RemoteField {
  name: string;
  label: string;
  type: RemoteFieldType;
  options: string[];
}

export interface CredentialCheck {
  /** Permissions the key has that our features need but are missing, named the vendor's way for the admin. */
  missing: string[];
  /** Missing permissions without which escalation cannot work at all. */
  missingRequired: string[];
  /** The account the credentials belong to (e.g. Kustomer's org name), when the destination says; else null. */
  account?: string | null;
}

/** The calls Bridgedesk makes to a destination. Each connector implements it in its own terms. */
export interface DestinationClient {
  /** Verifies the credentials; throws an auth failure when they are refused. */
  checkKey(): Promise<CredentialCheck>;
  listQueues(): Promise<DestinationTarget[]>;
  listTeams(): Promise<DestinationTarget[]>;
  findContactByEmail(email: string): Promise<RemoteContact | null>;
  createContact(input: { name: string; email: string }): Promise<RemoteContact>;
  /** How a retry finds the ticket an earlier attempt created (its reply may have been lost). */
  findTicketByExternalId(externalId: string): Promise<RemoteTicket | null>;
  createTicket(input: {
    contactId: string;
    subject: string;
    externalId: string;
    /** 1 (lowest) to 5 (highest). */
    priority: number;
    queueId?: string | null;
    teamId?: string | null;
    customValues?: Record<string, unknown>;
  }): Promise<RemoteTicket>;
  getTicket(id: string): Promise<RemoteTicket | null>;
  updateTicket(
    id: string,
    change: { status?: RemoteStatus; priority?: number; customValues?: Record<string, unknown>; snoozeUntil?: Date },
  ): Promise<RemoteTicket>;
  addNote(ticketId: string, input: { body: string; externalId?: string }): Promise<{ remoteId: string }>;
  /** Finds a note or message an earlier attempt added (its reply may have been lost), by the external id we gave it. */
  findNote(ticketId: string, externalId: string): Promise<{ remoteId: string } | null>;
  findMessage(ticketId: string, externalId: string): Promise<{ remoteId: string } | null>;
  addMessage(ticketId: string, input: { channel: string; body: string; subject?: string; externalId?: string }): Promise<{ remoteId: string }>;
  listTicketFields(): Promise<RemoteField[]>;
  /** Tickets changed since a time (oldest first, every page): the polling fallback of status sync. */
  ticketsUpdatedSince(since: Date): Promise<RemoteTicket[]>;
  /**
   * Subscribes a URL to ticket and message events, asking the destination to send `secret` back in a custom header
   * with every delivery; returns the subscription id and the destination's own signing secret, if any.
   */
  subscribe(url: string, secret: string): Promise<{ remoteId: string; signingKey: string | null }>;
  /** The subscription as the destination has it now; null when it is gone. `failing`: the destination disabled it after failed deliveries. */
  getSubscription(remoteId: string): Promise<{ remoteId: string; enabled: boolean; failing: boolean; changedAt: string | null } | null>;
  /** Turns the subscription back on and/or changes the secret header it sends. */
  updateSubscription(remoteId: string, change: { enabled?: true; secret?: string }): Promise<void>;
  unsubscribe(remoteId: string): Promise<void>;
}

/** Something that happened in a destination, from a webhook or a poll. */
export type DestinationEvent =
  | { kind: 'ticket'; eventId: string; createdAt: string; remoteId: string; status: RemoteStatus; updatedAt: string }
  | {
      kind: 'message';
      eventId: string;
      createdAt: string;
      ticketId: string;
      body: string;
      channel: string;
      fromUs: boolean;
      /** in: the customer wrote it; out: an agent (or an app) sent it to the customer. Absent in events stored before it was read. */
      direction?: 'in' | 'out';
      /** Who wrote it as the destination tells (e.g. the sender's address), null when it does not say. */
      author?: string | null;
      /** When it was written in the destination (not when we heard of it). */
      writtenAt?: string;
    }
  | { kind: 'ignored'; eventId: string; createdAt: string };
