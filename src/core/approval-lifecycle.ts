/**
 * An approval's lifecycle (see lifecycle.ts). Approvers asked in sequence wait `queued` until their turn; a pending
 * one is decided, expires at its due time, or is cancelled when the step no longer needs it.
 */
import { defineLifecycle } from './lifecycle.ts';

export const APPROVAL_LIFECYCLE = defineLifecycle({
  name: 'approval',
  states: ['queued', 'pending', 'approved', 'rejected', 'cancelled', 'expired'],
  initial: 'queued',
  transitions: [
    { event: 'ask', from: ['queued'], to: 'pending' },
    // Decided by the approver, or by the step's timeout rule.
    { event: 'approve', from: ['pending'], to: 'approved' },
    { event: 'reject', from: ['pending'], to: 'rejected' },
    // The due time passed and the step hands it to someone else.
    { event: 'expire', from: ['pending'], to: 'expired' },
    { event: 'cancel', from: ['queued', 'pending'], to: 'cancelled' },
  ],
});

export type ApprovalEvent = (typeof APPROVAL_LIFECYCLE.transitions)[number]['event'];
