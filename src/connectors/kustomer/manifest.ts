/** Kustomer as a destination: how its account is named, its channels and priorities, and its actions. */
import type { DestinationClient } from '../../core/destination.ts';
import type { DestinationProvider } from '../registry.ts';
import { createKustomerClient, type KustomerClient } from './client.ts';
import { addNoteOnce, openTicket } from './open-ticket.ts';
import { normaliseOrgName } from './org-name.ts';
import { userNames } from './people-names.ts';
import { readThreadSince } from './read-thread.ts';
import { isRequiredPermission } from './roles.ts';
import { MESSAGE_CHANNELS } from './wire.ts';
import { isAuthentic, parseWebhook, SECRET_HEADER } from './webhook.ts';

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
  createClient: ({ account, secret, transport, budget, interactive }) =>
    actions(
      account,
      transport.now ?? (() => new Date()),
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
function actions(account: string, now: () => Date, client: KustomerClient): DestinationClient {
  return {
    checkKey: client.checkKey,
    listTargets: async () => [...(await client.listQueues()), ...(await client.listTeams())],
    openTicket: (request, checkpoints) => openTicket(client, request, checkpoints),
    addNote: (ticketId, note, { mayExist }) => addNoteOnce(client, ticketId, note, mayExist),
    getTicket: client.getTicket,
    updateTicket: client.updateTicket,
    listTicketFields: client.listTicketFields,
    listAgents: client.listAgents,
    nameUsers: (ids) => userNames(client, account, ids, now()),
    ticketsUpdatedSince: client.ticketsUpdatedSince,
    subscribe: client.subscribe,
    getSubscription: client.getSubscription,
    updateSubscription: client.updateSubscription,
    unsubscribe: client.unsubscribe,
    readThreadSince: (ticketId, cursor) => readThreadSince(client, account, ticketId, cursor, now()),
  };
}
