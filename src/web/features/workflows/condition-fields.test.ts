import { describe, expect, it } from 'vitest';
import type { CustomField } from '../../../server/schemas/catalog.ts';
import { changeOperator, conditionFields, findField, newRule, ruleText, splitList } from './condition-fields.ts';

const region: CustomField = {
  id: 'f1',
  key: 'region',
  label: 'Region',
  type: 'select',
  options: ['EMEA', 'APAC'],
  required: false,
  serviceIds: null,
  position: 0,
  active: true,
};
const seats: CustomField = { ...region, id: 'f2', key: 'seats', label: 'Seats', type: 'number', options: [] };

describe('condition fields', () => {
  it('lists request, custom field, requester and run fields with fitting operators', () => {
    const fields = conditionFields([region, seats]);
    const ids = fields.map((f) => `${f.subject}:${f.field}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        'request:service',
        'request:priority',
        'request:tag',
        'request:field.region',
        'requester:department',
        'requester:manager',
        'run:approval',
      ]),
    );
    expect(findField(fields, { subject: 'request', field: 'field.region' }).options?.map((o) => o.value)).toEqual(['EMEA', 'APAC']);
    expect(findField(fields, { subject: 'request', field: 'field.seats' }).ops).toContain('greater_than');
    expect(findField(fields, { subject: 'request', field: 'priority' }).ops).toContain('at_least');
    // A field the editor does not know still gets a text input.
    expect(findField(fields, { subject: 'request', field: 'field.gone' })).toMatchObject({ kind: 'text', label: 'gone' });
  });

  it('starts rules with a value of the right shape and keeps values across operators when they fit', () => {
    const fields = conditionFields([]);
    const priority = findField(fields, { subject: 'request', field: 'priority' });
    const rule = newRule(priority);
    expect(rule).toEqual({ subject: 'request', field: 'priority', op: 'equals', value: 'low' });
    expect(changeOperator({ ...rule, value: 'high' }, priority, 'at_least').value).toBe('high');
    expect(changeOperator({ ...rule, value: 'high' }, priority, 'is_one_of').value).toEqual(['high']);
    expect(changeOperator({ ...rule, op: 'is_one_of', value: ['urgent', 'high'] }, priority, 'equals').value).toBe('urgent');
    expect(changeOperator(rule, priority, 'is_set')).toEqual({ subject: 'request', field: 'priority', op: 'is_set' });
    expect(splitList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
  });

  it('reads rules as sentences', () => {
    const fields = conditionFields([region]);
    expect(ruleText({ subject: 'request', field: 'priority', op: 'at_least', value: 'high' }, fields)).toBe('Priority is at least High');
    expect(ruleText({ subject: 'request', field: 'tag', op: 'equals', value: 'vip' }, fields)).toBe('Tags includes “vip”');
    expect(ruleText({ subject: 'requester', field: 'department', op: 'equals', value: 'Sales' }, fields)).toBe('Requester department is “Sales”');
    expect(ruleText({ subject: 'request', field: 'service', op: 'equals', value: 's1' }, fields, { service: () => 'Customer escalation' })).toBe(
      'Service is Customer escalation',
    );
    expect(ruleText({ subject: 'request', field: 'field.region', op: 'is_one_of', value: ['EMEA', 'APAC'] }, fields)).toBe('Region is one of EMEA, APAC');
    expect(ruleText({ subject: 'requester', field: 'manager', op: 'is_not_set' }, fields)).toBe('Requester manager is not set');
  });
});
