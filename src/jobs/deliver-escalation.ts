/** graphile-worker task: deliver one escalation (see usecases/deliver-escalation.ts for the steps and retries). */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { deliverEscalation, type DeliveryDeps } from '../usecases/deliver-escalation.ts';

export { DELIVER_ESCALATION } from '../usecases/submit-escalation.ts';

const Payload = z.object({ escalationId: z.uuid() });

export const deliverEscalationTask =
  (deps: DeliveryDeps): Task =>
  async (payload) => {
    await deliverEscalation(deps, Payload.parse(payload).escalationId);
  };
