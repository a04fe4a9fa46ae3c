/**
 * The test destination: a small vendor-neutral desk for Bridgedesk's own tests, with its in-memory fake (desk.ts). It
 * follows docs/destinations.md like any destination and is registered like one, but is test-only: offered only where
 * BRIDGEDESK_TEST_DESTINATIONS is on.
 */
import type { DestinationProvider } from '../registry.ts';
import { createTestDeskClient } from './client.ts';
import { readDeskWebhook, SECRET_HEADER } from './webhook.ts';

export const testDesk: DestinationProvider = {
  id: 'test-desk',
  displayName: 'Test desk',
  testOnly: true,
  accountLabel: 'Desk name',
  normaliseAccount: (input) => (/^[a-z0-9-]{1,63}$/.test(input.trim().toLowerCase()) ? input.trim().toLowerCase() : null),
  channels: ['email', 'chat'],
  priorityRange: { min: 1, max: 5 },
  defaultPriorityMap: { low: 1, medium: 2, high: 4, urgent: 5 },
  isRequiredPermission: () => false,
  readWebhook: (rawBody, headers, auth) => readDeskWebhook(rawBody, headers, auth.secrets),
  webhookSecretHeader: SECRET_HEADER,
  // No transport: the desk lives in the test process.
  createClient: ({ account, secret }) => createTestDeskClient(account, secret),
};
