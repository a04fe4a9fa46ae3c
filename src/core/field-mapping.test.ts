import { describe, expect, it } from 'vitest';
import type { RemoteField } from './destination.ts';
import {
  BUILTIN_REQUEST_FIELDS,
  checkMappings,
  mappableRequestFields,
  mappingProblem,
  readRequestField,
  requestFieldInfo,
  requestFieldsChangedBy,
  toRemoteValue,
  type CustomFieldDef,
  type RequestValues,
} from './field-mapping.ts';

const defs: CustomFieldDef[] = [
  { key: 'order_total', label: 'Order total', type: 'number', options: [] },
  { key: 'order_number', label: 'Order number', type: 'text', options: [] },
  { key: 'notes', label: 'Notes', type: 'long_text', options: [] },
  { key: 'due', label: 'Due date', type: 'date', options: [] },
  { key: 'vip', label: 'VIP', type: 'checkbox', options: [] },
  { key: 'region', label: 'Region', type: 'select', options: ['emea', 'amer'] },
  { key: 'owner', label: 'Account owner', type: 'person', options: [] },
];
const remote = (name: string, type: RemoteField['type'], options: string[] = []): RemoteField => ({ name, plainName: name, label: name, type, options });
const info = (f: string) => requestFieldInfo(f, defs)!;

describe('type compatibility', () => {
  const fits = (field: string, r: RemoteField) => mappingProblem(info(field), r) === null;

  it('lets text fill Str and Txt, numbers Num, dates At, checkboxes Bool', () => {
    expect(fits('field.order_number', remote('orderNumberStr', 'text'))).toBe(true);
    expect(fits('field.order_number', remote('orderNoteTxt', 'long_text'))).toBe(true);
    expect(fits('field.notes', remote('notesStr', 'text'))).toBe(true);
    expect(fits('field.order_total', remote('refundNum', 'number'))).toBe(true);
    expect(fits('field.due', remote('dueAt', 'date'))).toBe(true);
    expect(fits('field.vip', remote('vipBool', 'boolean'))).toBe(true);
  });

  it('lets a select fill text or a list, a person fill text, and built-ins fill text', () => {
    expect(fits('field.region', remote('regionStr', 'text'))).toBe(true);
    expect(fits('field.region', remote('regionTree', 'list'))).toBe(true);
    expect(fits('field.owner', remote('ownerStr', 'text'))).toBe(true);
    for (const f of ['title', 'description', 'service', 'status', 'priority', 'requester_email', 'requester_name', 'request_key', 'request_link', 'tags']) {
      expect(fits(f, remote('someStr', 'text')), f).toBe(true);
    }
    expect(fits('request_link', remote('deskUrl', 'url'))).toBe(true);
    expect(fits('title', remote('deskUrl', 'url'))).toBe(false);
  });

  it('refuses a mismatch with a message naming both sides', () => {
    expect(mappingProblem(info('field.order_total'), remote('orderNumberStr', 'text'))).toBe('Order total is a number; orderNumberStr holds text');
    expect(mappingProblem(info('field.order_number'), remote('refundNum', 'number'))).toBe('Order number is text; refundNum holds a number');
    expect(mappingProblem(info('field.vip'), remote('vipStr', 'text'))).toBe('VIP is a checkbox (yes/no); vipStr holds text');
    expect(mappingProblem(info('title'), remote('caseTree', 'list'))).toBe('Title is text; caseTree holds a choice from a list');
    expect(mappingProblem(info('field.owner'), remote('ownerId', 'reference'))).toContain('holds a reference');
    expect(mappingProblem(info('field.due'), remote('dueStr', 'text'))).toBe('Due date is a date; dueStr holds text');
  });

  it('refuses a select whose choices the remote list does not offer', () => {
    expect(mappingProblem(info('field.region'), remote('regionTree', 'list', ['emea', 'amer', 'apac']))).toBeNull();
    expect(mappingProblem(info('field.region'), remote('regionTree', 'list', ['emea']))).toBe('Region has choices regionTree does not offer: amer');
  });

  it('knows built-ins and defined custom fields only', () => {
    expect(requestFieldInfo('field.nope', defs)).toBeNull();
    expect(requestFieldInfo('field.Bad-Key', defs)).toBeNull();
    expect(requestFieldInfo('assignee', defs)).toBeNull();
    expect(requestFieldInfo('request_link', [])).toMatchObject({ label: 'Request link', kind: 'link' });
    const all = mappableRequestFields(defs).map((f) => f.requestField);
    expect(all.slice(0, 3)).toEqual(['title', 'description', 'priority']);
    expect(all).toContain('field.order_total');
    expect(all).toHaveLength(BUILTIN_REQUEST_FIELDS.length + defs.length);
  });
});

describe('checking a mapping set', () => {
  const remotes = [remote('orderNumberStr', 'text'), remote('refundNum', 'number'), remote('vipBool', 'boolean')];

  it('returns the mappings with their remote types', () => {
    const r = checkMappings(
      [
        { requestField: 'field.order_number', remoteField: 'orderNumberStr' },
        { requestField: 'field.order_total', remoteField: 'refundNum' },
      ],
      defs,
      remotes,
    );
    expect(r).toEqual({
      ok: true,
      mappings: [
        { requestField: 'field.order_number', remoteField: 'orderNumberStr', remoteType: 'text' },
        { requestField: 'field.order_total', remoteField: 'refundNum', remoteType: 'number' },
      ],
    });
  });

  it('lists every problem: mismatches, unknown fields on either side, repeats', () => {
    const r = checkMappings(
      [
        { requestField: 'field.order_total', remoteField: 'orderNumberStr' },
        { requestField: 'field.ghost', remoteField: 'refundNum' },
        { requestField: 'title', remoteField: 'missingStr' },
        { requestField: 'field.vip', remoteField: 'vipBool' },
        { requestField: 'field.vip', remoteField: 'refundNum' },
      ],
      defs,
      remotes,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { requestField: 'field.order_total', remoteField: 'orderNumberStr', message: 'Order total is a number; orderNumberStr holds text' },
      { requestField: 'field.ghost', remoteField: 'refundNum', message: 'field.ghost is not a request field' },
      { requestField: 'title', remoteField: 'missingStr', message: expect.stringContaining('missingStr is not a conversation attribute') },
      { requestField: 'field.vip', remoteField: 'refundNum', message: 'VIP is mapped more than once' },
      { requestField: 'field.vip', remoteField: 'refundNum', message: 'refundNum is filled by more than one request field' },
      { requestField: 'field.vip', remoteField: 'refundNum', message: 'VIP is a checkbox (yes/no); refundNum holds a number' },
    ]);
  });

  it('accepts an empty set (clears the mapping)', () => {
    expect(checkMappings([], defs, remotes)).toEqual({ ok: true, mappings: [] });
  });
});

describe('values sent', () => {
  const values: RequestValues = {
    key: 'REQ-42',
    link: 'https://desk.example.com/requests/REQ-42',
    title: 'Refund never arrived',
    description: '',
    status: 'in_progress',
    priority: 'high',
    service: null,
    tags: ['refund', 'vip'],
    requester: { name: 'Riley', email: 'riley@corp.example' },
    customFields: { order_total: 99.5, due: '2026-12-01', vip: false, region: 'emea', owner: 'owner@corp.example' },
    assignee: null,
    pendingApproval: null,
    lastInternalUpdate: null,
  };
  const send = (field: string, type: RemoteField['type']) => toRemoteValue(info(field).kind, type, readRequestField(field, values));

  it('converts each kind', () => {
    expect(send('field.order_total', 'number')).toBe(99.5);
    expect(send('field.due', 'date')).toBe('2026-12-01T00:00:00.000Z');
    expect(send('field.vip', 'boolean')).toBe(false);
    expect(send('field.region', 'list')).toBe('emea');
    expect(send('field.owner', 'text')).toBe('owner@corp.example');
    expect(send('tags', 'text')).toBe('refund, vip');
    expect(send('request_link', 'url')).toBe('https://desk.example.com/requests/REQ-42');
    expect(send('request_key', 'text')).toBe('REQ-42');
    expect(send('priority', 'text')).toBe('high');
    expect(send('status', 'text')).toBe('in_progress');
    expect(send('requester_email', 'text')).toBe('riley@corp.example');
  });

  it('sends null for empty values (clearing the remote field)', () => {
    expect(send('description', 'long_text')).toBeNull();
    expect(send('service', 'text')).toBeNull();
    expect(send('field.order_number', 'text')).toBeNull();
    expect(toRemoteValue('tags', 'text', [])).toBeNull();
    expect(toRemoteValue('date', 'date', 'not a date')).toBeNull();
    expect(toRemoteValue('number', 'number', 'seven')).toBeNull();
  });
});

describe('what a timeline entry changes', () => {
  it('names built-in and custom fields', () => {
    expect(requestFieldsChangedBy({ type: 'request.priority_changed', data: { before: 'low', after: 'high' } })).toEqual(['priority']);
    expect(requestFieldsChangedBy({ type: 'request.field_changed', data: { field: 'order_total', before: 1, after: 2 } })).toEqual(['field.order_total']);
    expect(requestFieldsChangedBy({ type: 'request.tags_changed', data: {} })).toEqual(['tags']);
    expect(requestFieldsChangedBy({ type: 'comment.public_reply', data: {} })).toEqual([]);
  });
});
