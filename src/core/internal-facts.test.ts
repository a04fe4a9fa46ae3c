import { describe, expect, it } from 'vitest';
import { readRequestField, requestFieldInfo, requestFieldsChangedBy, toRemoteValue, type RequestValues } from './field-mapping.ts';
import { INTERNAL_UPDATE_TEXT_MAX, internalUpdateText, pendingApprovalText } from './internal-facts.ts';

describe('pending approval', () => {
  it('names whom the request awaits, as a sentence', () => {
    expect(pendingApprovalText([{ approverNames: ['Morgan Manager'] }])).toBe('Awaiting approval by Morgan Manager');
    expect(pendingApprovalText([{ approverNames: ['Ada', 'Ben', 'Cy'] }])).toBe('Awaiting approval by Ada, Ben or Cy');
    expect(pendingApprovalText([{ approverNames: ['Morgan Manager'] }, { approverNames: ['Finance Lead', 'CFO'] }])).toBe(
      'Awaiting approval by Morgan Manager and by Finance Lead or CFO',
    );
  });

  it('is empty when nothing awaits a decision, which clears the attribute', () => {
    expect(pendingApprovalText([])).toBeNull();
    expect(pendingApprovalText([{ approverNames: [] }])).toBeNull();
  });

  it('fits a Kustomer Str attribute (1,024 characters)', () => {
    const text = pendingApprovalText([{ approverNames: Array.from({ length: 200 }, (_, i) => `Approver number ${i}`) }])!;
    expect(text.length).toBeLessThanOrEqual(1024);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('last internal update', () => {
  it("is the note's author and the start of its text on one line", () => {
    expect(internalUpdateText({ authorName: 'Ada Agent', body: 'Checked the VPN logs;\n\nthe tunnel drops at 10:00', at: new Date() })).toBe(
      'Ada Agent: Checked the VPN logs; the tunnel drops at 10:00',
    );
    expect(internalUpdateText({ authorName: null, body: 'Auto-triaged', at: new Date() })).toBe('Bridgedesk: Auto-triaged');
    const long = internalUpdateText({ authorName: 'Ada', body: 'x'.repeat(500), at: new Date() });
    expect(long).toHaveLength(INTERNAL_UPDATE_TEXT_MAX);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('internal facts as mapped values', () => {
  const values: RequestValues = {
    key: 'REQ-7',
    link: 'https://desk.example.com/requests/REQ-7',
    title: 't',
    description: '',
    status: 'waiting',
    priority: 'medium',
    service: null,
    tags: [],
    requester: { name: 'Riley', email: 'riley@corp.example' },
    customFields: {},
    assignee: { name: 'Ada Agent', email: 'ada@corp.example' },
    pendingApproval: 'Awaiting approval by Morgan Manager',
    lastInternalUpdate: { text: 'Ada Agent: called the vendor', at: '2026-03-14T10:42:00.000Z' },
  };
  const send = (field: string, type: 'text' | 'date' | 'long_text', v = values) =>
    toRemoteValue(requestFieldInfo(field, [])!.kind, type, readRequestField(field, v));

  it('reads each fact, and an empty one clears its attribute', () => {
    expect(send('assignee_name', 'text')).toBe('Ada Agent');
    expect(send('assignee_email', 'text')).toBe('ada@corp.example');
    expect(send('pending_approval', 'text')).toBe('Awaiting approval by Morgan Manager');
    expect(send('last_internal_update', 'long_text')).toBe('Ada Agent: called the vendor');
    expect(send('last_internal_update_at', 'date')).toBe('2026-03-14T10:42:00.000Z');
    expect(send('last_internal_update_at', 'text')).toBe('2026-03-14T10:42:00.000Z');
    const none = { ...values, assignee: null, pendingApproval: null, lastInternalUpdate: null };
    for (const f of ['assignee_name', 'assignee_email', 'pending_approval', 'last_internal_update']) expect(send(f, 'text', none)).toBeNull();
    expect(send('last_internal_update_at', 'date', none)).toBeNull();
  });

  it('names the facts each timeline entry changes', () => {
    expect(requestFieldsChangedBy({ type: 'request.assignee_changed', data: {} })).toEqual(['assignee_name', 'assignee_email']);
    expect(requestFieldsChangedBy({ type: 'comment.internal_note', data: { body: 'x' } })).toEqual(['last_internal_update', 'last_internal_update_at']);
    for (const type of ['workflow.waiting_approval', 'workflow.approval_decided', 'workflow.approval_expired', 'workflow.finished'])
      expect(requestFieldsChangedBy({ type, data: {} })).toEqual(['pending_approval']);
    expect(requestFieldsChangedBy({ type: 'workflow.step_done', data: { step: { type: 'approval' } } })).toEqual(['pending_approval']);
    // another step's end changes no approval
    expect(requestFieldsChangedBy({ type: 'workflow.step_done', data: { step: { type: 'set_status' } } })).toEqual([]);
    // a public reply is not an internal update
    expect(requestFieldsChangedBy({ type: 'comment.public_reply', data: {} })).toEqual([]);
  });
});
