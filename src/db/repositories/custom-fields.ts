/** Custom field definitions requests carry. */
import type { CustomFieldDefinition } from '../../core/custom-fields.ts';
import type { Queryable } from '../database.ts';
import type { CustomFieldRow } from '../schema.ts';

export interface CustomField extends CustomFieldDefinition {
  id: string;
  position: number;
}

export const toCustomField = (r: CustomFieldRow): CustomField => ({
  id: r.id,
  key: r.key,
  label: r.label,
  type: r.type,
  options: r.options,
  required: r.required,
  serviceIds: r.service_ids,
  position: r.position,
  active: r.active,
});

export async function listCustomFields(q: Queryable): Promise<CustomField[]> {
  const rows = await q.selectFrom('custom_fields').selectAll().orderBy('position').orderBy('label').execute();
  return rows.map(toCustomField);
}
