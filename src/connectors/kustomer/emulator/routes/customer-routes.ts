/**
 * Customers (docs/kustomer.md §5): create, get by id, look up by email or externalId (404 when none, §14), and a
 * customer's conversations.
 */
import type { Hono } from 'hono';
import { CreateConversationBody, CreateCustomerBody } from '../../wire.ts';
import { actorOf, requireRole, type ApiEnv } from '../api-env.ts';
import { createConversation } from '../conversation-writes.ts';
import { createCustomer, sameEmail } from '../customer-writes.ts';
import type { EmulatorDeps } from '../emulator-deps.ts';
import { kustomerError } from '../kustomer-error.ts';
import { listReply } from '../pagination.ts';
import { renderConversation, renderCustomer } from '../render-records.ts';
import { readJsonBody } from '../request-body.ts';
import { REQUIRED } from '../required-roles.ts';
import { findInOrg, inOrg } from '../store.ts';
import { readPathRef } from './path-lookup.ts';

export function registerCustomerRoutes(app: Hono<ApiEnv>, deps: EmulatorDeps): void {
  const { store } = deps;

  app.post('/v1/customers', async (c) => {
    requireRole(c, REQUIRED.customerCreate);
    const body = readJsonBody(c, CreateCustomerBody);
    return c.json({ data: renderCustomer(createCustomer(deps, actorOf(c), body), store) }, 201);
  });

  app.get('/v1/customers/:ref', (c) => {
    requireRole(c, REQUIRED.customerRead);
    const ref = readPathRef(c.req.url, 3);
    const all = inOrg(store.customers, c.var.auth.org.id);
    const found =
      ref.by === 'email'
        ? all.find((x) => x.emails.some((e) => sameEmail(e.email, ref.value)))
        : ref.by === 'externalId'
          ? all.find((x) => x.externalId === ref.value)
          : findInOrg(store.customers, c.var.auth.org.id, ref.value);
    // Recorded: the 404 names the looked-up field in source.parameter (solidus_kustomer find_by_email_failure.yml).
    if (!found) throw kustomerError(404, `no customer with ${ref.by} ${ref.value}`, { parameter: ref.by });
    return c.json({ data: renderCustomer(found, store) });
  });

  app.post('/v1/customers/:id/conversations', async (c) => {
    requireRole(c, REQUIRED.conversationCreate);
    const id = c.req.param('id');
    if (!findInOrg(store.customers, c.var.auth.org.id, id)) throw kustomerError(404, `customer ${id} not found`);
    const body = readJsonBody(c, CreateConversationBody.omit({ customer: true }));
    return c.json({ data: renderConversation(createConversation(deps, actorOf(c), { ...body, customer: id })) }, 201);
  });

  app.get('/v1/customers/:id/conversations', (c) => {
    requireRole(c, REQUIRED.conversationRead);
    const id = c.req.param('id');
    if (!findInOrg(store.customers, c.var.auth.org.id, id)) throw kustomerError(404, `customer ${id} not found`);
    const convs = inOrg(store.conversations, c.var.auth.org.id).filter((v) => v.customerId === id);
    return listReply(c, convs.map(renderConversation), 100);
  });
}
