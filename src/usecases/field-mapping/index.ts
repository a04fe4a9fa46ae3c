/** Field mapping use cases: remote fields, the mapping set, the values a request sends, and pushing them. */
export { listRemoteFields } from './remote-fields.ts';
export { getFieldMappings, replaceFieldMappings, type FieldMappingView } from './mapping-set.ts';
export { allMappedValues, mappedValues, type MappedValue } from './mapped-values.ts';
export {
  enqueueFieldPush,
  fieldPushJob,
  enqueueFieldPushesForRequest,
  PUSH_MAPPED_FIELDS,
  pushMappedValues,
  queueFieldPushes,
  type FieldPushDeps,
  type PushOutcome,
  type PushPayload,
} from './push-mapped-values.ts';
