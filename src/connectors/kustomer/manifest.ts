/** Kustomer as a destination: how its account is named, its channels and priorities, and its client. */
import type { DestinationProvider } from '../registry.ts';
import { createKustomerClient } from './client.ts';
import { normaliseOrgName } from './org-name.ts';
import { MESSAGE_CHANNELS } from './wire.ts';
import { isAuthentic, parseWebhook, SECRET_HEADER } from './webhook.ts';

// Kustomer priorities run 1 (lowest) to 5 (highest) (kustomer-api.md §4); 5 is left for Kustomer-side escalation.
const PRIORITY = { low: 1, medium: 2, high: 3, urgent: 4 } as const;

export const kustomer: DestinationProvider = {
  id: 'kustomer',
  displayName: 'Kustomer',
  accountLabel: 'Org name',
  normaliseAccount: normaliseOrgName,
  channels: MESSAGE_CHANNELS,
  priority: (p) => PRIORITY[p],
  priorityRange: { min: 1, max: 5 },
  readWebhook: (rawBody, headers, auth) => (isAuthentic(rawBody, headers, auth) ? parseWebhook(rawBody) : null),
  webhookSecretHeader: SECRET_HEADER,
  createClient: ({ account, secret, transport, budget, interactive }) =>
    createKustomerClient({
      orgName: account,
      apiKey: secret,
      baseUrlOverride: transport.baseUrlOverride,
      webUrlOverride: transport.webUrlOverride,
      timeoutMs: transport.timeoutMs,
      fetch: transport.fetch,
      now: transport.now,
      sleep: transport.sleep,
      budget,
      attempts: interactive ? 3 : 1,
      maxWaitMs: interactive ? 5_000 : 0,
    }),
};
