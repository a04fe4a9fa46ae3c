/** graphile-worker task: deliver one escalation (see usecases/deliver-escalation.ts for the steps and retries). */
import { deliverEscalation, type DeliveryDeps } from '../usecases/deliver-escalation.ts';
import { jobTask } from './job-task.ts';

export const deliverEscalationTask = jobTask('deliver-escalation', (deps: DeliveryDeps, p) => deliverEscalation(deps, p.escalationId));
