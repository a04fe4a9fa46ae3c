/**
 * Which destination the Escalate dialog and the side panel start on: the first, in the order the API lists them (the
 * registry's), that can take an escalation now; else the first. No screen names a destination by its id.
 */
import type { EscalationDestination } from '../../api/escalations.ts';

export const canEscalateTo = (d: EscalationDestination) => d.status === 'connected' && d.queues.length + d.teams.length > 0;

export const preferredDestination = (destinations: readonly EscalationDestination[]): EscalationDestination | undefined =>
  destinations.find(canEscalateTo) ?? destinations[0];
