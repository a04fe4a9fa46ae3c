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

export async function findCustomFieldById(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<CustomFieldRow | undefined> {
  let query = q.selectFrom('custom_fields').selectAll().where('id', '=', id);
  if (opts.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function customFieldKeyExists(q: Queryable, key: string): Promise<boolean> {
  return (await q.selectFrom('custom_fields').select('id').where('key', '=', key).executeTakeFirst()) !== undefined;
}

export interface NewCustomField {
  key: string;
  label: string;
  type: CustomFieldRow['type'];
  options: string[];
  required: boolean;
  serviceIds: string[] | null;
  position?: number;
}

export async function insertCustomField(q: Queryable, f: NewCustomField): Promise<CustomFieldRow> {
  return q
    .insertInto('custom_fields')
    .values({ key: f.key, label: f.label, type: f.type, options: f.options, required: f.required, service_ids: f.serviceIds, position: f.position })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface CustomFieldChanges {
  label?: string;
  options?: string[];
  required?: boolean;
  serviceIds?: string[] | null;
  position?: number;
  active?: boolean;
}

/** Sets only the fields the change names: Kysely leaves out the columns whose value is undefined. */
export async function updateCustomField(q: Queryable, id: string, c: CustomFieldChanges, now: Date): Promise<CustomFieldRow | undefined> {
  return q
    .updateTable('custom_fields')
    .set({ label: c.label, options: c.options, required: c.required, service_ids: c.serviceIds, position: c.position, active: c.active, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
