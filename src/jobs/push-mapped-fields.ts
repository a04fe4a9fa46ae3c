/** graphile-worker task: send a request's mapped field values to an escalation's conversation (see usecases/field-mapping). */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { pushMappedValues, type FieldPushDeps } from '../usecases/field-mapping/push-mapped-values.ts';

export { PUSH_MAPPED_FIELDS } from '../usecases/field-mapping/push-mapped-values.ts';

const Payload = z.object({ escalationId: z.uuid(), changedFields: z.array(z.string()).nullable().default(null) });

export const pushMappedFieldsTask =
  (deps: FieldPushDeps): Task =>
  async (payload, helpers) => {
    const p = Payload.parse(payload);
    // On the last attempt a retryable failure is recorded on the timeline instead of thrown.
    await pushMappedValues(deps, p.escalationId, p.changedFields, { lastAttempt: helpers.job.attempts >= helpers.job.max_attempts });
  };
