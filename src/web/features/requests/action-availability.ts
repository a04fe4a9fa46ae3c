/**
 * Why a side-panel action cannot be used now, in words, so the panel shows the action disabled with its reason
 * instead of hiding it. null when the action is available. Pure: unit-tested in action-availability.test.ts.
 */
import type { IntegrationStatus } from '../../api/integrations.ts';

export interface Unavailable {
  /** What stops it: "Kustomer is not connected". */
  reason: string;
  /** The way out, for this person: "An admin can connect it in Settings → Integrations". */
  hint?: string;
  /** Where the way out is, when this person can take it. */
  href?: string;
}

/**
 * Escalating needs a connected destination with at least one queue or team enabled. `destination` is the one the
 * escalation options offer (undefined when none is offered).
 */
export function escalateUnavailable(
  destination: { id: string; name: string; status: IntegrationStatus; queues: unknown[]; teams: unknown[] } | undefined,
  admin: boolean,
): Unavailable | null {
  if (!destination) return { reason: 'No destination is offered', ...(admin ? { href: '/settings/integrations' } : {}) };
  const name = destination.name;
  const where = admin ? { href: `/settings/integrations/${destination.id}` } : {};
  if (destination.status === 'not_connected') {
    return {
      reason: `${name} is not connected`,
      hint: admin ? 'Connect it in Settings → Integrations' : 'An admin can connect it in Settings → Integrations',
      ...where,
    };
  }
  if (destination.status === 'invalid_credentials') {
    return {
      reason: `${name} refused Bridgedesk's API key`,
      hint: admin ? 'Paste a new key in Settings → Integrations' : 'An admin must paste a new key in Settings → Integrations',
      ...where,
    };
  }
  if (destination.queues.length === 0 && destination.teams.length === 0) {
    return {
      reason: `No ${name} queue or team is enabled`,
      hint: admin ? 'Choose them in Settings → Integrations' : 'An admin can enable them in Settings → Integrations',
      ...where,
    };
  }
  return null;
}

/** Assign to me: not when it already is. */
export const assignToMeUnavailable = (assignedToMe: boolean): Unavailable | null => (assignedToMe ? { reason: 'Assigned to you' } : null);

/** Reopen, for a requester: they may reopen a resolved request, not an archived one. */
export function reopenUnavailable(status: string, staff: boolean): Unavailable | null {
  if (staff || status !== 'archived') return null;
  return { reason: 'Archived requests stay closed', hint: 'File a new request if you still need help' };
}
