/** A workflow run's lifecycle (see lifecycle.ts): running its steps, waiting on one, then finished one of three ways. */
import { defineLifecycle } from './lifecycle.ts';

export const RUN_LIFECYCLE = defineLifecycle({
  name: 'workflow run',
  states: ['running', 'waiting', 'succeeded', 'failed', 'cancelled'],
  initial: 'running',
  transitions: [
    { event: 'wait', from: ['running', 'waiting'], to: 'waiting' },
    { event: 'resume', from: ['waiting'], to: 'running' },
    { event: 'succeed', from: ['running', 'waiting'], to: 'succeeded' },
    { event: 'fail', from: ['running', 'waiting'], to: 'failed' },
    // A rejected approval (or a step that says so) stops the run.
    { event: 'cancel', from: ['running', 'waiting'], to: 'cancelled' },
    { event: 'retry', from: ['failed'], to: 'running' },
  ],
});

export type RunEvent = (typeof RUN_LIFECYCLE.transitions)[number]['event'];
