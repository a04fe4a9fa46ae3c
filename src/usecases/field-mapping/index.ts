/** Field mapping use cases: remote fields, the mapping set, the values a request sends, and pushing them. */
export { listRemoteFields } from './remote-fields.ts';
export { getFieldMappings, replaceFieldMappings } from './mapping-set.ts';
export { mappedValues } from './mapped-values.ts';
export { pushMappedValues } from './push-mapped-values.ts';
export { fieldPushJob, enqueueFieldPushesForRequest, queueFieldPushes } from './queue-field-pushes.ts';
export { suggestFieldMappings } from './suggestions.ts';
