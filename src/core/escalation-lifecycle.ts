/**
 * An escalation's lifecycle (see lifecycle.ts): sent until the destination has a ticket for it, then created until
 * the back-link is posted. A delivery that cannot create the ticket fails; one that cannot post on a ticket that
 * exists is link_failed, which an agent can retry or re-link by hand. An agent can unlink one that has a ticket: sync
 * ends for good (the row keeps the ticket as history); linking that ticket again makes a new escalation.
 */
import { defineLifecycle } from './lifecycle.ts';

export const ESCALATION_LIFECYCLE = defineLifecycle({
  name: 'escalation',
  states: ['sending', 'created', 'linked', 'link_failed', 'failed', 'unlinked'],
  initial: 'sending',
  transitions: [
    { event: 'ticket_created', from: ['sending'], to: 'created' },
    { event: 'link', from: ['created', 'link_failed'], to: 'linked' },
    // Posting on the ticket failed (a retry may follow): the ticket exists, so it is never "failed".
    { event: 'link_fail', from: ['created', 'link_failed'], to: 'link_failed' },
    { event: 'give_up', from: ['sending'], to: 'failed' },
    // An agent's retry: from the start when nothing was created, from the back-link when a ticket exists.
    { event: 'retry', from: ['failed'], to: 'sending' },
    { event: 'retry_link', from: ['link_failed'], to: 'created' },
    // An agent points it at a ticket by hand.
    { event: 'relink', from: ['created', 'linked', 'link_failed', 'failed'], to: 'created' },
    // An agent ends the link: only one with a ticket (a sending one may still create it, a failed one has none).
    { event: 'unlink', from: ['created', 'linked', 'link_failed'], to: 'unlinked' },
  ],
});
