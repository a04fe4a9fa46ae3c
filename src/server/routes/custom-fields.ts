/** Custom field definitions: the extra questions requests carry, optionally per service. */

import { isStaff } from '../../core/actor.ts';
import type { CustomFieldType } from '../../core/custom-fields.ts';
import { conflict, notFound, unprocessable } from '../../core/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import {
  customFieldKeyExists,
  findCustomFieldById,
  insertCustomField,
  listCustomFields,
  toCustomField,
  updateCustomField,
} from '../../db/repositories/custom-fields.ts';
import { missingServiceIds } from '../../db/repositories/services.ts';
import { requireUser } from '../auth/guards.ts';
import { errors, IdParam, json, jsonBody, jsonItems, router, securedRoute } from '../openapi.ts';
import { CustomFieldChangesBody, CustomFieldSchema, IncludeInactiveQuery, NewCustomFieldBody } from '../schemas/catalog.ts';

export const customFieldRoutes = router();

/** The option rules depend on the field's type, which a change does not carry: checked here rather than in the schema. */
function checkOptions(type: CustomFieldType, options: string[]) {
  if (type !== 'select') {
    if (options.length) throw unprocessable(`options: only select fields have options, not ${type} fields`, { field: 'options' });
    return;
  }
  if (options.length === 0) throw unprocessable('options: a select field needs at least one option', { field: 'options' });
  const repeated = [...new Set(options.filter((o, i) => options.indexOf(o) !== i))];
  if (repeated.length) throw unprocessable(`options: each option must appear once; repeated: ${repeated.join(', ')}`, { field: 'options' });
}

/** Returns the service ids without repeats, refusing unknown ones. */
async function checkServices(q: Queryable, ids: string[] | null): Promise<string[] | null> {
  if (ids === null) return null;
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  const missing = await missingServiceIds(q, unique);
  if (missing.length) throw unprocessable(`serviceIds: no such service: ${missing.join(', ')}`, { field: 'serviceIds', ids: missing });
  return unique;
}

customFieldRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/custom-fields',
    tags: ['Custom fields'],
    summary: 'Custom field definitions in form order (only active ones unless staff ask for inactive ones too)',
    request: { query: IncludeInactiveQuery },
    responses: { 200: jsonItems(CustomFieldSchema), ...errors(400, 401) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const includeInactive = c.req.valid('query').includeInactive === 'true' && isStaff(actor);
    const fields = await listCustomFields(c.var.deps.db);
    return c.json({ items: includeInactive ? fields : fields.filter((f) => f.active) }, 200);
  },
);

customFieldRoutes.openapi(
  securedRoute('admin', {
    method: 'post',
    path: '/custom-fields',
    tags: ['Custom fields'],
    summary: 'Define a custom field (admin)',
    request: {
      body: jsonBody(NewCustomFieldBody),
    },
    responses: { 201: json(CustomFieldSchema, 'Created'), ...errors(400, 401, 403, 409, 422) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const options = body.options ?? [];
    checkOptions(body.type, options);
    const row = await withTransaction(c.var.deps.db, async (tx) => {
      if (await customFieldKeyExists(tx, body.key)) throw conflict('A custom field with this key exists', { field: 'key' });
      const serviceIds = await checkServices(tx, body.serviceIds ?? null);
      return insertCustomField(tx, {
        key: body.key,
        label: body.label,
        type: body.type,
        options,
        required: body.required ?? false,
        serviceIds,
        position: body.position,
      });
    });
    return c.json(toCustomField(row), 201);
  },
);

customFieldRoutes.openapi(
  securedRoute('admin', {
    method: 'patch',
    path: '/custom-fields/{id}',
    tags: ['Custom fields'],
    summary: 'Change a custom field (admin); its key and type are fixed. Values already on requests are kept.',
    request: {
      params: IdParam,
      body: jsonBody(CustomFieldChangesBody),
    },
    responses: { 200: json(CustomFieldSchema), ...errors(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const { db, now } = c.var.deps;
    const id = c.req.valid('param').id.toLowerCase();
    const body = c.req.valid('json');
    const row = await withTransaction(db, async (tx) => {
      const current = await findCustomFieldById(tx, id, { forUpdate: true });
      if (!current) throw notFound('Custom field');
      // Removing a select option is allowed: requests that hold it keep their value.
      if (body.options !== undefined) checkOptions(current.type, body.options);
      const serviceIds = body.serviceIds === undefined ? undefined : await checkServices(tx, body.serviceIds);
      return updateCustomField(tx, id, { ...body, serviceIds }, now());
    });
    if (!row) throw notFound('Custom field');
    return c.json(toCustomField(row), 200);
  },
);
