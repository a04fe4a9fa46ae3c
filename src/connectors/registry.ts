/** Every destination Bridgedesk can escalate into, in one explicit list. */
import type { DestinationClient, DestinationEvent } from '../core/destination.ts';
import type { PriorityMap, PriorityRange } from '../core/priority-map.ts';
import type { RateBudget } from './kit/rate-budget.ts';
import { kustomer } from './kustomer/manifest.ts';
import { testDesk } from './test-desk/manifest.ts';

/** How the server reaches a provider: configuration and injected transport, never user input. */
export interface TransportOptions {
  baseUrlOverride: string | null;
  webUrlOverride: string | null;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** The provider's rate window, when a reply does not name its reset (Kustomer: a minute; benchmarks shorten it). */
  rateWindowMs?: number;
}

export interface DestinationProvider {
  id: string;
  displayName: string;
  /** A destination for Bridgedesk's own tests: offered only where BRIDGEDESK_TEST_DESTINATIONS is on (see offeredProviders). */
  testOnly?: boolean;
  /** What the admin types to name their account (e.g. Kustomer's org name), and how it is checked. */
  accountLabel: string;
  normaliseAccount(input: string): string | null;
  /** Channels a ticket's first message can use. */
  channels: readonly string[];
  /** The provider's priority numbers, and which one each request priority becomes unless the admin changes it. */
  priorityRange: PriorityRange;
  defaultPriorityMap: PriorityMap;
  /** Whether escalation cannot work without this permission (the provider's own name for it). */
  isRequiredPermission(name: string): boolean;
  /**
   * Verifies and parses a webhook delivery; null when it is not authentic (neither the secret header nor the
   * provider's signature checks out) or the body is not the provider's.
   */
  readWebhook(rawBody: string, headers: Headers, auth: { signingKey: string | null; secrets: readonly string[] }): DestinationEvent | null;
  /** The custom header Bridgedesk asks the provider to send with every webhook delivery, holding the connection's secret. */
  webhookSecretHeader: string;
  /**
   * How many agents' searches (DestinationClient.searchTickets) one account may make per minute, counted by Bridgedesk
   * across processes, when the provider limits its search on its own. Absent: searches draw on the shared budget only.
   */
  ticketSearchLimit?: number;
  createClient(input: {
    account: string;
    secret: string;
    transport: TransportOptions;
    budget?: RateBudget;
    /** A person is waiting: retry a little inside the call. Jobs pass false and reschedule instead. */
    interactive: boolean;
  }): DestinationClient;
}

export const PROVIDERS = { kustomer, 'test-desk': testDesk } satisfies Record<string, DestinationProvider>;
export type ProviderId = keyof typeof PROVIDERS;
export const PROVIDER_IDS = Object.keys(PROVIDERS) as ProviderId[];

/** A provider id Bridgedesk stored itself (a job payload, a saved step): one no longer registered is a bug, not input. */
export function providerId(id: string): ProviderId {
  if (!Object.hasOwn(PROVIDERS, id)) throw new Error(`Unknown destination ${id}`);
  return id as ProviderId;
}

/**
 * The destinations this deployment offers people (settings, routes, the Escalate form, workflow steps). Test-only
 * destinations are registered like any other, so their code is checked and kept working, but are offered only when
 * the configuration turns them on: a real deployment never shows them.
 */
export const offeredProviders = (opts: { testDestinations: boolean }): ProviderId[] =>
  PROVIDER_IDS.filter((id) => opts.testDestinations || !(PROVIDERS[id] as DestinationProvider).testOnly);

/** The offered provider `id` names, or null (unknown, or test-only and not turned on). */
export const offeredProvider = (id: string, opts: { testDestinations: boolean }): ProviderId | null => offeredProviders(opts).find((p) => p === id) ?? null;
