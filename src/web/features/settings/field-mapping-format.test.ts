import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.ts';
import { type FieldMapping, mappingProblems, type RemoteField } from '../../api/field-mappings.ts';
import type { CustomField } from '../../../server/schemas/catalog.ts';
import {
  type DraftRow,
  incompleteRows,
  isDirty,
  mappedValueText,
  payloadOf,
  problemsByRow,
  refusedNote,
  remoteFieldChoices,
  remoteFieldText,
  requestFieldChoices,
  rowsFromMappings,
  suggestionText,
  usedElsewhere,
  withSuggestions,
} from './field-mapping-format.ts';

const remote = (name: string, label: string, type: RemoteField['type'], options: string[] = []): RemoteField => ({
  name,
  plainName: name,
  label,
  type,
  options,
});
const cf = (key: string, label: string, type: CustomField['type'], active = true): CustomField => ({
  id: key,
  key,
  label,
  type,
  options: [],
  required: false,
  serviceIds: null,
  position: 0,
  active,
});
const row = (key: string, requestField: string, remoteField: string): DraftRow => ({ key, requestField, remoteField });
const saved = (requestField: string, remoteField: string, requestFieldLabel = requestField): FieldMapping => ({
  requestField,
  remoteField,
  requestFieldLabel,
  remoteType: 'text',
});

describe('the choices', () => {
  it('names a Kustomer attribute by label, name and type', () => {
    expect(remoteFieldText(remote('orderNumberStr', 'Order Number', 'text'))).toBe('Order Number (orderNumberStr) · text');
    expect(remoteFieldText(remote('summaryTxt', 'Summary', 'long_text'))).toBe('Summary (summaryTxt) · long text');
    expect(remoteFieldText(remote('dueAt', 'Due', 'date'))).toBe('Due (dueAt) · date-time');
    expect(remoteFieldText(remote('regionTree', 'Region', 'list', ['emea', 'amer']))).toBe('Region (regionTree) · list of 2');
    expect(remoteFieldText(remote('vipBool', 'vipBool', 'boolean'))).toBe('vipBool · true/false');
  });

  it('offers active custom fields with their type, and keeps a mapped inactive or deleted one, marked', () => {
    const fields = [
      cf('order_total', 'Order total', 'number'),
      cf('region', 'Region', 'select'),
      cf('old', 'Old field', 'text', false),
      cf('older', 'Older', 'text', false),
    ];
    const { builtins, internal, custom } = requestFieldChoices(fields, ['title', 'field.old', 'field.gone', ''], { 'field.gone': 'gone' });
    expect(builtins).toHaveLength(10);
    expect(internal.map((c) => c.label)).toEqual(['Assignee name', 'Assignee email', 'Pending approval', 'Last internal update', 'Last internal update time']);
    expect(custom).toEqual([
      { value: 'field.order_total', label: 'Order total · number' },
      { value: 'field.region', label: 'Region · choice' },
      { value: 'field.old', label: 'Old field (inactive)', missing: true },
      { value: 'field.gone', label: 'gone (no longer a custom field)', missing: true },
    ]);
  });

  it('keeps an attribute Kustomer no longer has, marked', () => {
    const choices = remoteFieldChoices([remote('refundNum', 'Refund', 'number')], ['refundNum', 'goneStr', '']);
    expect(choices).toEqual([
      { value: 'refundNum', label: 'Refund (refundNum) · number' },
      { value: 'goneStr', label: 'goneStr (no longer in Kustomer)', missing: true },
    ]);
  });
});

describe('suggestions', () => {
  const suggestion = { requestField: 'status', requestFieldLabel: 'Status', remoteField: 'bridgedeskStatusStr', remoteType: 'text' as const, score: 1 };

  it('reads as field → attribute, by label and name', () => {
    expect(suggestionText(suggestion, [remote('bridgedeskStatusStr', 'Request status', 'text')])).toBe('Status → Request status (bridgedeskStatusStr)');
    expect(suggestionText(suggestion, [remote('bridgedeskStatusStr', 'bridgedeskStatusStr', 'text')])).toBe('Status → bridgedeskStatusStr');
  });

  it('become new draft rows after the filled ones, blank rows making way', () => {
    let n = 0;
    const rows = [
      { key: 'saved-0', requestField: 'title', remoteField: 'subjectStr' },
      { key: 'new-0', requestField: '', remoteField: '' },
    ];
    expect(withSuggestions(rows, [suggestion], () => `s-${n++}`)).toEqual([
      { key: 'saved-0', requestField: 'title', remoteField: 'subjectStr' },
      { key: 's-0', requestField: 'status', remoteField: 'bridgedeskStatusStr' },
    ]);
  });
});

describe('the draft', () => {
  const stored = [saved('field.order_total', 'refundNum', 'Order total'), saved('title', 'subjectStr', 'Title')];

  it('starts from the saved set and sends only whole rows', () => {
    const rows = rowsFromMappings(stored);
    expect(rows.map((r) => r.key)).toEqual(['saved-0', 'saved-1']);
    expect(payloadOf([...rows, row('new-0', '', '')])).toEqual([
      { requestField: 'field.order_total', remoteField: 'refundNum' },
      { requestField: 'title', remoteField: 'subjectStr' },
    ]);
  });

  it('names what a half-filled row lacks, and ignores a blank one', () => {
    const missing = incompleteRows([row('a', 'title', ''), row('b', '', 'refundNum'), row('c', '', ''), row('d', 'tags', 'tagsStr')]);
    expect([...missing.keys()]).toEqual(['a', 'b']);
    expect(missing.get('a')).toMatch(/Kustomer attribute/);
    expect(missing.get('b')).toMatch(/Bridgedesk field/);
  });

  it('is dirty only when the set differs, whatever the order', () => {
    const rows = rowsFromMappings(stored);
    expect(isDirty(rows, stored)).toBe(false);
    expect(isDirty([...rows].reverse(), stored)).toBe(false);
    expect(isDirty([...rows, row('n', '', '')], stored)).toBe(false);
    expect(isDirty([...rows, row('n', 'tags', '')], stored)).toBe(true);
    expect(isDirty(rows.slice(1), stored)).toBe(true);
    expect(isDirty([rows[0]!, { ...rows[1]!, remoteField: 'otherStr' }], stored)).toBe(true);
    expect(isDirty([], [])).toBe(false);
  });

  it('knows which values the other rows already use', () => {
    const used = usedElsewhere([row('a', 'title', 'subjectStr'), row('b', 'tags', ''), row('c', '', '')], 'a');
    expect([...used.requestFields]).toEqual(['tags']);
    expect([...used.remoteFields]).toEqual([]);
  });
});

describe('problems from the server', () => {
  const problem = { requestField: 'field.order_total', remoteField: 'orderNumberStr', message: 'Order total is a number; orderNumberStr holds text' };
  const refused = new ApiError(422, 'unprocessable', 'Order total is a number; orderNumberStr holds text', { problems: [problem, { requestField: 1 }] });

  it('reads the refused pairs of a 422 and nothing else', () => {
    expect(mappingProblems(refused)).toEqual([problem]);
    expect(mappingProblems(new ApiError(422, 'unprocessable', 'no metadata permission', { reason: 'missing_permissions' }))).toEqual([]);
    expect(mappingProblems(new ApiError(404, 'not_found', 'Kustomer is not connected'))).toEqual([]);
    expect(mappingProblems(new Error('x'))).toEqual([]);
    expect(mappingProblems(null)).toEqual([]);
  });

  it('puts each problem on the row with that pair, and drops it once the row changes', () => {
    const rows = [row('a', 'title', 'subjectStr'), row('b', 'field.order_total', 'orderNumberStr')];
    const twice = [problem, problem, { ...problem, message: 'orderNumberStr is filled by more than one request field' }];
    expect(problemsByRow(rows, twice)).toEqual(new Map([['b', [problem.message, 'orderNumberStr is filled by more than one request field']]]));
    expect(problemsByRow([rows[0]!, { ...rows[1]!, remoteField: 'refundNum' }], [problem]).size).toBe(0);
  });
});

describe('values on the Escalate form', () => {
  it('reads each kind of value', () => {
    expect(mappedValueText(true)).toBe('Yes');
    expect(mappedValueText(false)).toBe('No');
    expect(mappedValueText(129.5)).toBe('129.5');
    expect(mappedValueText(0)).toBe('0');
    expect(mappedValueText(null)).toBe('—');
    expect(mappedValueText('2025-03-01T00:00:00.000Z')).toBe('2025-03-01');
    expect(mappedValueText('2025-03-01T10:30:00.000Z')).toBe('2025-03-01T10:30:00.000Z');
    expect(mappedValueText('ORD-4417')).toBe('ORD-4417');
  });

  it('puts long text on one line and cuts it', () => {
    expect(mappedValueText('Refund never\n\narrived   at all')).toBe('Refund never arrived at all');
    const long = mappedValueText('word '.repeat(100), 40);
    expect(long).toHaveLength(40);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('an attribute Kustomer no longer knows', () => {
  it('says so with the date it was first refused, and nothing for an attribute in use', () => {
    const since = '2026-12-04T10:00:00.000Z';
    const note = refusedNote({ remoteField: 'orderNumberStr', refused: { since, reason: 'Additional properties not allowed' } });
    expect(note).toMatch(/^Kustomer no longer knows orderNumberStr: not sent since .*2026/);
    expect(note).toContain('Create it again in Kustomer, or choose another attribute.');
    expect(refusedNote({ remoteField: 'refundNum' })).toBeNull();
  });
});
