/**
 * Creating customers (API and controls). Emails and externalIds are unique across the org (docs/kustomer.md §15, H-DM); a second
 * customer with one of them is refused with 409 (the status is not documented; 409 is our choice, docs/kustomer.md §15). Emails
 * compare case-insensitively ([I]).
 */
import type { CreateCustomerBody } from '../wire.ts';
import type { Actor, EmulatorDeps } from './emulator-deps.ts';
import { kustomerError } from './kustomer-error.ts';
import { newObjectId } from './object-id.ts';
import type { CustomerRecord } from './records.ts';
import { renderCustomer } from './render-records.ts';
import { inOrg } from './store.ts';

export const sameEmail = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function createCustomer(deps: EmulatorDeps, actor: Actor, body: CreateCustomerBody): CustomerRecord {
  const existing = inOrg(deps.store.customers, actor.org.id);
  for (const [i, e] of (body.emails ?? []).entries()) {
    if (existing.some((c) => c.emails.some((x) => sameEmail(x.email, e.email)))) {
      throw kustomerError(409, `email "${e.email}" already belongs to another customer`, { pointer: `/emails/${i}/email` });
    }
  }
  if (body.externalId !== undefined && existing.some((c) => c.externalId === body.externalId)) {
    throw kustomerError(409, `externalId "${body.externalId}" already belongs to another customer`, { pointer: '/externalId' });
  }
  const at = deps.now().toISOString();
  const customer: CustomerRecord = {
    id: newObjectId(deps.now()),
    orgId: actor.org.id,
    name: body.name ?? null,
    externalId: body.externalId ?? null,
    emails: (body.emails ?? []).map((e) => ({ email: e.email, type: e.type, verified: false })),
    custom: {},
    createdBy: actor.userId,
    createdAt: at,
    updatedAt: at,
    modifiedAt: at,
    rev: 1,
  };
  deps.store.customers.set(customer.id, customer);
  deps.webhooks.emit(actor.org, 'kustomer.customer.create', renderCustomer(customer, deps.store), { client: actor.client });
  return customer;
}
