import { describe, expect, it } from 'vitest';
import type { RemoteField } from './destination.ts';
import type { CustomFieldDef } from './field-mapping.ts';
import { suggestMappings, words } from './mapping-suggestions.ts';

/** An attribute as the Kustomer connector reads it: its plain name is the name without the type suffix. */
const attr = (name: string, type: RemoteField['type'], label = name, options: string[] = []): RemoteField => ({
  name,
  plainName: name.replace(/(Str|Txt|Num|At|Bool|Url|Id|Tree)$/, ''),
  label,
  type,
  options,
});

/** A Kustomer org's conversation attributes as listTicketFields reads them (types from the metadata or the suffix). */
const ORG: RemoteField[] = [
  attr('bridgedeskStatusStr', 'text', 'Request status'),
  attr('deliveryStatusStr', 'text', 'Delivery status'),
  attr('bridgedeskAssigneeStr', 'text', 'Assignee'),
  attr('bridgedeskAssigneeEmailStr', 'text', 'Assignee email'),
  attr('approvalStatusStr', 'text', 'Approval status'),
  attr('requestNumberStr', 'text', 'Request number'),
  attr('bridgedeskLinkUrl', 'url', 'Bridgedesk link'),
  attr('lastInternalUpdateTxt', 'long_text', 'Last Internal Update'),
  attr('lastInternalUpdateAt', 'date', 'Last Internal Update'),
  attr('orderNumberStr', 'text', 'Order Number'),
  attr('refundNum', 'number', 'Refund'),
  attr('contactReasonTree', 'list', 'Contact Reason', ['billing', 'shipping']),
  attr('vipBool', 'boolean', 'VIP'),
];

const pairs = (s: ReturnType<typeof suggestMappings>) => Object.fromEntries(s.map((p) => [p.requestField, p.remoteField]));

describe('suggested mapping', () => {
  it("pairs each internal fact with the org's attribute that names it and can hold it", () => {
    expect(pairs(suggestMappings([], ORG))).toEqual({
      status: 'bridgedeskStatusStr',
      request_key: 'requestNumberStr',
      request_link: 'bridgedeskLinkUrl',
      assignee_name: 'bridgedeskAssigneeStr',
      assignee_email: 'bridgedeskAssigneeEmailStr',
      pending_approval: 'approvalStatusStr',
      last_internal_update: 'lastInternalUpdateTxt',
      last_internal_update_at: 'lastInternalUpdateAt',
    });
  });

  it('pairs custom fields by their label, and only where the types fit', () => {
    const defs: CustomFieldDef[] = [
      { key: 'order_number', label: 'Order number', type: 'text', options: [] },
      // a number cannot fill "Contact reason" (a list), nor a text a Bool
      { key: 'contact_reason', label: 'Contact reason', type: 'number', options: [] },
      { key: 'vip', label: 'VIP', type: 'text', options: [] },
    ];
    const s = pairs(suggestMappings(defs, ORG));
    expect(s['field.order_number']).toBe('orderNumberStr');
    expect(s['field.contact_reason']).toBeUndefined();
    expect(s['field.vip']).toBeUndefined();
  });

  it('leaves out what is mapped already, on either side', () => {
    const s = pairs(suggestMappings([], ORG, { requestFields: ['status'], remoteFields: ['bridgedeskAssigneeStr'] }));
    expect(s.status).toBeUndefined();
    expect(s.assignee_name).toBeUndefined();
    expect(Object.values(s)).not.toContain('bridgedeskAssigneeStr');
    expect(s.assignee_email).toBe('bridgedeskAssigneeEmailStr');
  });

  it('suggests nothing for attributes that only share a word with a fact', () => {
    const s = suggestMappings(
      [],
      [attr('deliveryStatusStr', 'text', 'Delivery status'), attr('orderIdStr', 'text', 'Order Id'), attr('notesTxt', 'long_text')],
    );
    expect(s).toEqual([]);
  });

  it('sends a date-time fact to a date attribute rather than a text one of the same name, and a text fact to the text one', () => {
    const s = pairs(
      suggestMappings([], [attr('lastInternalUpdateStr', 'text', 'Last Internal Update'), attr('lastInternalUpdateAt', 'date', 'Last Internal Update')]),
    );
    expect(s).toEqual({ last_internal_update: 'lastInternalUpdateStr', last_internal_update_at: 'lastInternalUpdateAt' });
  });

  it("reads an attribute's words from the plain name its connector gives, knowing no vendor's naming marks", () => {
    const field = (name: string, plainName: string): RemoteField => ({ name, plainName, label: name, type: 'text', options: [] });
    expect(pairs(suggestMappings([], [field('x_status_v2', 'deskStatus')]))).toEqual({ status: 'x_status_v2' });
    // A name ending as Kustomer's type suffix does is read as given: "statusStr" does not say "status".
    expect(suggestMappings([], [field('bridgedeskStatusStr', 'bridgedeskStatusStr')])).toEqual([]);
  });

  it('is the same whatever order Kustomer lists its attributes in', () => {
    expect(suggestMappings([], [...ORG].reverse())).toEqual(suggestMappings([], ORG));
  });

  it('reads words from camelCase names and labels, without noise words or plurals', () => {
    expect([...words('bridgedeskAssigneeEmailStr'.replace(/Str$/, ''))]).toEqual(['assignee', 'email']);
    expect([...words('Request status')]).toEqual(['status']);
    expect([...words('Tags')]).toEqual(['tag']);
  });
});
