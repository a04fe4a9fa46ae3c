/** graphile-worker task: deliver one escalation (see usecases/deliver-escalation.ts for the steps and retries). */
import type { Task } from 'graphile-worker';
import { parseJob } from '../core/jobs.ts';
import { deliverEscalation, type DeliveryDeps } from '../usecases/deliver-escalation.ts';

export const deliverEscalationTask =
  (deps: DeliveryDeps): Task =>
  async (payload) => {
    await deliverEscalation(deps, parseJob('deliver-escalation', payload).escalationId);
  };
