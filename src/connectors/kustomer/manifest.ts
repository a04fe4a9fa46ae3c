/** Kustomer as a destination: how its account is named, its channels and priorities, and its actions. */
import type { DestinationClient } from '../../core/destination.ts';
import type { DestinationProvider } from '../registry.ts';
import { createKustomerClient, type KustomerClient } from './client.ts';
import { kustomerAttachments } from './attachments.ts';
import { listAgents, listDirectory, listQueues, listTeams } from './directory.ts';
import { addNoteOnce, openTicket } from './open-ticket.ts';
import type { TransferOptions } from './presigned-transfer.ts';
import { normaliseOrgName } from './org-name.ts';
import { userNames } from './people-names.ts';
import { readThreadSince } from './read-thread.ts';
import { isRequiredPermission } from './roles.ts';
import { searchTickets, ticketsUpdatedSince } from './search-tickets.ts';
import { listTicketFields } from './ticket-fields.ts';
import { parseConversationRef, type RefHosts } from './ticket-ref.ts';
import { MESSAGE_CHANNELS } from './wire.ts';
import { isAuthentic, parseWebhook, SECRET_HEADER } from './webhook.ts';
import { getSubscription, subscribe, unsubscribe, updateSubscription } from './webhook-subscription.ts';

/**
 * Kustomer priorities run 1 (lowest) to 5 (highest) (documented: docs/kustomer.md §10). A conversation created without
 * a priority gets 3 (confirmed: public dumps of real conversations from several orgs; docs/kustomer.md), so 3 is
 * Kustomer's normal and a medium request lands there, one step per level either side. Admins can change it.
 */
const DEFAULT_PRIORITY_MAP = { low: 2, medium: 3, high: 4, urgent: 5 } as const;

export const kustomer: DestinationProvider = {
  id: 'kustomer',
  displayName: 'Kustomer',
  accountLabel: 'Org name',
  normaliseAccount: normaliseOrgName,
  channels: MESSAGE_CHANNELS,
  priorityRange: { min: 1, max: 5 },
  defaultPriorityMap: DEFAULT_PRIORITY_MAP,
  isRequiredPermission,
  readWebhook: (rawBody, headers, auth) => (isAuthentic(rawBody, headers, auth) ? parseWebhook(rawBody) : null),
  webhookSecretHeader: SECRET_HEADER,
  // Kustomer allows API keys 100 searches a minute (documented: D-RL, docs/kustomer.md §26); agents' searches get 90
  // of them, leaving the poll (a search per page, every poll: §11) room within the same minute.
  ticketSearchLimit: 90,
  createClient: ({ account, secret, transport, budget, interactive }) =>
    actions(
      { org: account, webUrlOverride: transport.webUrlOverride, baseUrlOverride: transport.baseUrlOverride },
      transport.now ?? (() => new Date()),
      // Presigned S3 URLs are https; plain http only where the server is pointed at an emulator.
      { fetch: transport.fetch, allowHttp: Boolean(transport.baseUrlOverride) },
      createKustomerClient({
        orgName: account,
        apiKey: secret,
        baseUrlOverride: transport.baseUrlOverride,
        webUrlOverride: transport.webUrlOverride,
        timeoutMs: transport.timeoutMs,
        fetch: transport.fetch,
        now: transport.now,
        sleep: transport.sleep,
        rateWindowMs: transport.rateWindowMs,
        budget,
        attempts: interactive ? 3 : 1,
        maxWaitMs: interactive ? 5_000 : 0,
      }),
    ),
};

/** The destination's actions over Kustomer's calls. */
function actions(hosts: RefHosts, now: () => Date, transfer: TransferOptions, client: KustomerClient): DestinationClient {
  const account = hosts.org;
  const files = kustomerAttachments(client, transfer);
  return {
    checkKey: client.checkKey,
    listTargets: async () => [...(await listQueues(client)), ...(await listTeams(client))],
    openTicket: (request, checkpoints) => openTicket(client, files, request, checkpoints),
    addNote: (ticketId, note, opts) => addNoteOnce(client, files, ticketId, note, opts),
    getTicket: client.getTicket,
    updateTicket: client.updateTicket,
    listTicketFields: () => listTicketFields(client),
    listAgents: () => listAgents(client),
    listDirectory: () => listDirectory(client),
    nameUsers: (ids) => userNames(client, account, ids, now()),
    ticketsUpdatedSince: (since) => ticketsUpdatedSince(client, since),
    subscribe: (url, secret) => subscribe(client, url, secret),
    getSubscription: (remoteId) => getSubscription(client, remoteId),
    updateSubscription: (remoteId, change) => updateSubscription(client, remoteId, change),
    unsubscribe: (remoteId) => unsubscribe(client, remoteId),
    readThreadSince: (ticketId, cursor) => readThreadSince(client, files, account, ticketId, cursor, now()),
    openAttachment: files.openAttachment,
    parseTicketRef: (input) => parseConversationRef(input, hosts),
    searchTickets: (query, { limit }) => searchTickets(client, account, query, limit, now()),
  };
}
