/** graphile-worker task: send a request's mapped field values to an escalation's conversation (see usecases/field-mapping). */
import type { Task } from 'graphile-worker';
import { parseJob } from '../core/jobs.ts';
import { pushMappedValues, type FieldPushDeps } from '../usecases/field-mapping/push-mapped-values.ts';

export { PUSH_MAPPED_FIELDS } from '../usecases/field-mapping/queue-field-pushes.ts';

export const pushMappedFieldsTask =
  (deps: FieldPushDeps): Task =>
  async (payload) => {
    const p = parseJob('push-mapped-fields', payload);
    await pushMappedValues(deps, p.escalationId, p.changedFields, { attempt: p.attempt });
  };
