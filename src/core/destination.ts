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

/** Who works a ticket in the destination; a name is null until Bridgedesk knows it (events carry ids only). */
export interface RemoteAssignee {
  userId: string | null;
  userName: string | null;
  teamId: string | null;
  teamName: string | null;
}

/** What an agent wants to know of a linked ticket beyond its status: the escalation card and the request list show it. */
export interface TicketDetails {
  /** The destination's finer status within `status`, as it gives it; null when none. */
  subStatus: string | null;
  /** When a waiting ticket wakes up by itself; null when it is not waiting on a date. */
  snoozedUntil: string | null;
  assignee: RemoteAssignee | null;
  queue: { id: string; name: string | null } | null;
  /** In the destination's own scale. */
  priority: number | null;
  /** The last message or note on the ticket (not a field change); null when the destination does not say. */
  lastActivityAt: string | null;
}

export interface RemoteTicket extends TicketDetails {
  remoteId: string;
  externalId: string | null;
  contactId: string | null;
  status: RemoteStatus;
  subject: string | null;
  channels: string[];
  customValues: Record<string, unknown>;
  url: string;
  updatedAt: string;
  /** See the ticket event's `threadMark`. */
  threadMark?: string | null;
}

export type RemoteFieldType = 'text' | 'long_text' | 'number' | 'date' | 'boolean' | 'url' | 'reference' | 'list' | 'other';

export interface RemoteField {
  name: string;
  /**
   * The name without the vendor's own naming marks (Kustomer's type suffix: `orderNumberStr` → `orderNumber`), whose
   * words say what the field holds: a suggested mapping matches on them and on the label.
   */
  plainName: string;
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

/** A request to open a ticket for, in Bridgedesk's terms: each connector maps it to its own steps. */
export interface TicketRequest {
  /** The escalation's id: the ticket's (and its message's and note's) external id, so a re-run finds what an earlier run made. */
  escalationId: string;
  subject: string;
  /** The first message; the connector picks its channel's default when `channel` is null. `attachments` go with it. */
  message: { body: string; channel: string | null; attachments?: OutgoingFile[] };
  /** In the destination's own scale (its manifest's priorityRange). */
  priority: number;
  target: { kind: 'queue' | 'team'; remoteId: string } | null;
  /** Who the ticket is about (the requester, or the email the admin chose). */
  contact: { name: string; email: string };
  /** The note that links the ticket back to the request. */
  backLink: { url: string; note: string };
  /** The destination's tag ids to put on the ticket as it is created (the request's tags the admin allows out). */
  tags?: string[];
  /** Who works the ticket from the start: one of the destination's people or teams (beside the target). */
  assignee?: { kind: 'user' | 'team'; remoteId: string } | null;
  /** The destination's sub-status id for the new (open) ticket. */
  subStatus?: string | null;
}

/** A user, tag or sub-status of the destination (its directory beyond queues and teams), for pickers and matching. */
export interface DirectoryEntry {
  kind: 'user' | 'tag' | 'sub_status';
  remoteId: string;
  name: string;
  /** A user that is an integration (an API key), not a person: never offered as an assignee. */
  machine?: boolean;
  /** A sub-status's parent status. */
  parentStatus?: RemoteStatus;
}

/** How far opening got, as the platform has it stored (or deferred): a re-run starts from here. */
export interface OpenProgress {
  contactId: string | null;
  ticketId: string | null;
  messagePosted: boolean;
}

/** The steps of opening, named on the timeline when one fails (a destination without contacts skips that step). */
export type OpenStep = 'contact' | 'conversation' | 'message' | 'link';

/** What a step achieved, for the platform to keep (and show on the timeline). */
export type OpenCheckpoint =
  | { step: 'contact'; contactId: string; email: string; found: boolean }
  /** found: an earlier run made it (its reply was lost) and this run found it by looking. */
  | { step: 'conversation'; ticket: RemoteTicket; found: boolean }
  | { step: 'message' };

/**
 * What the platform gives a connector's "open": its progress, and where to keep each step's result. A result is
 * committed before the step after it makes its call (the connector may make that call while the write runs, and
 * awaits the write before its next one); a result a re-run finds by looking may instead be deferred to ride with
 * the next write, saving a round trip: a crash then costs a look-up, never a duplicate.
 */
export interface OpenCheckpoints {
  readonly progress: OpenProgress;
  /** An earlier run called the destination and may have made something it never recorded: look before creating. */
  readonly mayHaveCreated: boolean;
  commit(checkpoint: OpenCheckpoint): Promise<void>;
  defer(checkpoint: OpenCheckpoint): void;
  /** Per-file progress of the first message's attachments: required when the request has any. */
  readonly files?: FileCheckpoints;
}

/** A file Bridgedesk sends with a message or note, read from its own storage when the connector uploads it. */
export interface OutgoingFile {
  /** Bridgedesk's id of the file: the key of its checkpoint, so a retry never sends it twice. */
  localId: string;
  name: string;
  /** As detected from the bytes. */
  contentType: string;
  /** In bytes; the stream must yield exactly this many. */
  size: number;
  /** The bytes from the start; called once per upload attempt. */
  open(): Promise<ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>>;
}

/**
 * How far sending one file got. `remoteId`: the destination's record of it (kept before its bytes go, so a retry
 * finds the record rather than making another); `uploaded`: its bytes are known to have arrived. `refused`: the
 * destination will not take this file (its type or size), in its words: the rest are sent without it.
 */
export type FileProgress = { remoteId: string; uploaded: boolean } | { refused: string };

/** The platform's per-file checkpoints (semantics as OpenCheckpoints: commit before the next call, defer what a re-run finds by looking). */
export interface FileCheckpoints {
  get(localId: string): FileProgress | undefined;
  commit(localId: string, progress: FileProgress): Promise<void>;
  defer(localId: string, progress: FileProgress): void;
}

/** A file on a note or message in the destination, as its thread names it. */
export interface RemoteFile {
  /** Opaque to the platform: what openAttachment takes. */
  remoteId: string;
  name: string;
  contentType: string | null;
  size: number | null;
}

/** A file's bytes from the destination; the stream must be read or cancelled. */
export interface RemoteFileStream {
  stream: ReadableStream<Uint8Array>;
  size: number | null;
  contentType: string | null;
}

/** A field change pushed to a ticket. */
export interface TicketChange {
  status?: RemoteStatus;
  /** With status `waiting`: when the ticket wakes up by itself (ISO time); the connector's default when absent. */
  wakeAt?: string;
  /** In the destination's own scale. */
  priority?: number;
  customValues?: Record<string, unknown>;
}

/**
 * A destination's actions, in Bridgedesk's terms; each connector implements them over its own API (its manifest's
 * `createClient`). Every failure is a ConnectorError (connectors/kit/errors.ts), classified once by the connector.
 */
export interface DestinationClient {
  /** Verifies the credentials; throws an auth failure when they are refused. */
  checkKey(): Promise<CredentialCheck>;
  /** Where tickets can go: its queues and teams. */
  listTargets(): Promise<DestinationTarget[]>;
  /**
   * Opens a ticket linked to a request, step by idempotent step over the platform's checkpoints; returns once the
   * back-link is posted. A failure names its step (`detail.step`); a target that is gone is `reason: 'target_missing'`.
   */
  openTicket(request: TicketRequest, checkpoints: OpenCheckpoints): Promise<void>;
  /**
   * Adds an internal note; with `mayExist` (a retry) it first looks for the note by its external id. Its
   * `attachments` are uploaded first, each once over `opts.files` (required when there are any).
   */
  addNote(
    ticketId: string,
    note: { body: string; externalId: string; attachments?: OutgoingFile[] },
    opts: { mayExist: boolean; files?: FileCheckpoints },
  ): Promise<void>;
  /** Reads a ticket's state now; null when there is none. */
  getTicket(id: string): Promise<RemoteTicket | null>;
  updateTicket(id: string, change: TicketChange): Promise<RemoteTicket>;
  listTicketFields(): Promise<RemoteField[]>;
  /** The people who work tickets, to name a ticket's assignee (events carry ids only); optional: without it names stay unknown. */
  listAgents?(): Promise<{ remoteId: string; name: string }[]>;
  /** Its users, tags and sub-statuses (each kind the key may read; a refused kind is left out). Absent: it has none. */
  listDirectory?(): Promise<DirectoryEntry[]>;
  /**
   * Names of the destination's users with these ids (those it knows), from the connector's one name cache per process
   * (the thread's authors are named from the same): a miss re-reads the directory at most once a minute.
   */
  nameUsers?(ids: readonly string[]): Promise<Map<string, string>>;
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
  /**
   * The ticket's thread (notes and messages) written after `cursor` (oldest first), and the cursor to ask from next
   * time. Items may repeat around the cursor: the platform keeps one entry per `remoteId`. Absent: the destination
   * has no readable thread.
   */
  readThreadSince?(ticketId: string, cursor: string | null): Promise<{ items: ThreadItem[]; cursor: string | null }>;
  /**
   * The bytes of a file a thread item names (ThreadItem.attachments), streamed; a file larger than `maxBytes` fails
   * (permanent) before or while it streams. Absent: the destination's files cannot be read.
   */
  openAttachment?(remoteId: string, opts?: { maxBytes?: number }): Promise<RemoteFileStream>;

  /**
   * What an agent pasted to name a ticket (a link into the destination in any of its shapes, or an id), read without
   * a call. Absent: only plain ids are understood.
   */
  parseTicketRef?(input: string): TicketRef;
  /**
   * Tickets matching what an agent typed (a customer's email, or words of the subject), most recently changed first.
   * One call of the destination's search; the platform budgets them (the manifest's `ticketSearchLimit`). Absent: the
   * destination cannot be searched, only linked by id.
   */
  searchTickets?(query: string, opts: { limit: number }): Promise<TicketSearchHit[]>;
}

/** What an agent's paste names. */
export type TicketRef =
  | { kind: 'ticket'; ticketId: string }
  /** A link into another account of the destination (another Kustomer org): not ours to link. */
  | { kind: 'other_account'; account: string }
  /** A link that names no ticket (a customer's page, another site), with why, in words for the agent. */
  | { kind: 'invalid'; message: string }
  /** Neither a link nor an id: words to search for. */
  | { kind: 'text' };

/** A ticket a search found, with who it is about when the destination says. */
export interface TicketSearchHit {
  ticket: RemoteTicket;
  contact: { name: string | null; email: string | null } | null;
}

/** One note or message on a ticket, as the destination has it. */
export interface ThreadItem {
  remoteId: string;
  /** note: internal to the destination's agents; message: to or from its customer. */
  kind: 'note' | 'message';
  body: string;
  /** Messages: in = the customer wrote it, out = an agent sent it to the customer. Null for notes. */
  direction: 'in' | 'out' | null;
  channel: string | null;
  /** Who wrote it: a user of the destination, or its customer; null when it does not say. */
  author: { name: string; kind: 'user' | 'customer' } | null;
  /** When it was written in the destination. */
  writtenAt: string;
  /** Bridgedesk wrote it (its external id is one of ours): never echoed back onto the request. */
  fromUs: boolean;
  /** Files on it (absent: none, or a destination without files). */
  attachments?: RemoteFile[];
  /** Why its files could not be listed (e.g. a missing permission); the item itself is read. */
  attachmentsError?: string;
}

/**
 * External ids Bridgedesk gives what it writes to a destination: `<escalation id>:message|note` (opening),
 * `<escalation id>:unlink` (the note saying it was unlinked), `comment:<entry id>` (comment sync), `note:<entry id>`
 * (Note to Kustomer). Reading a thread skips them: our own writes are not news.
 */
export const OUR_EXTERNAL_ID = /^(?:(?:comment|note):\d+|[0-9a-f-]{36}:(?:message|note|unlink))$/;

/** Something that happened in a destination, from a webhook or a poll. */
export type DestinationEvent =
  | {
      kind: 'ticket';
      eventId: string;
      createdAt: string;
      remoteId: string;
      status: RemoteStatus;
      updatedAt: string;
      /** Absent in events stored before it was read. */
      details?: TicketDetails;
      /**
       * Changes whenever a note or message is added to the ticket (opaque; Kustomer: its counts and last activity):
       * a newer state with the same mark wrote nothing to read in the thread. Null or absent: unknown, read it.
       */
      threadMark?: string | null;
    }
  /** A note or message was written on the ticket: its thread is read (readThreadSince), which names and dates it. */
  | { kind: 'message'; eventId: string; createdAt: string; ticketId: string }
  | { kind: 'ignored'; eventId: string; createdAt: string };
