/** graphile-worker task: send a request's mapped field values to an escalation's conversation (see usecases/field-mapping). */
import { pushMappedValues, type FieldPushDeps } from '../usecases/field-mapping/push-mapped-values.ts';
import { jobTask } from './job-task.ts';

export { PUSH_MAPPED_FIELDS } from '../usecases/field-mapping/queue-field-pushes.ts';

export const pushMappedFieldsTask = jobTask('push-mapped-fields', (deps: FieldPushDeps, p) =>
  pushMappedValues(deps, p.escalationId, p.changedFields, { attempt: p.attempt }),
);
