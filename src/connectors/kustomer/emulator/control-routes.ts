/**
 * The test controls over HTTP, under /__emulator/ (a prefix Kustomer's API never uses; no auth, so the emulator
 * must only listen where tests and the demo can reach it). Replies are plain JSON, errors `{error:{message}}`.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import * as S from './control-schemas.ts';
import type { EmulatorControl } from './emulator-control.ts';
import { KustomerError } from './kustomer-error.ts';
import { seedDemoOrg } from './seed-demo-org.ts';

async function body<S extends z.ZodType>(c: Context, schema: S, extra: Record<string, unknown> = {}): Promise<z.infer<S>> {
  const text = await c.req.text();
  const json: unknown = text ? JSON.parse(text) : {};
  return schema.parse(typeof json === 'object' && json !== null && !Array.isArray(json) ? { ...json, ...extra } : json);
}

export function createControlApp(control: EmulatorControl): Hono {
  const app = new Hono().basePath('/__emulator');

  app.onError((err, c) => {
    if (err instanceof z.ZodError) return c.json({ error: { message: 'invalid control input', issues: err.issues } }, 400);
    if (err instanceof SyntaxError) return c.json({ error: { message: 'body is not valid JSON' } }, 400);
    if (err instanceof KustomerError) return c.json({ error: { message: err.message } }, err.status as 400);
    return c.json({ error: { message: err.message } }, /no (org|queue|such)/.test(err.message) ? 404 : 400);
  });
  app.notFound((c) => c.json({ error: { message: `no control ${c.req.method} ${c.req.path}` } }, 404));

  app.post('/reset', (c) => (control.reset(), c.json({ ok: true })));
  app.post('/seed-demo', async (c) => c.json(seedDemoOrg(control, await body(c, z.strictObject({ name: z.string() }))), 201));

  app.post('/orgs', async (c) => c.json(control.createOrg(await body(c, S.CreateOrgInput)), 201));
  app.patch('/orgs/:org', async (c) => c.json(control.updateOrg(c.req.param('org'), await body(c, S.OrgSettingsInput))));
  app.post('/orgs/:org/keys', async (c) => c.json(control.createApiKey(await body(c, S.CreateApiKeyInput, c.req.param())), 201));
  app.post('/keys/revoke', async (c) => {
    const { key } = await body(c, z.strictObject({ key: z.string() }));
    control.revokeApiKey(key);
    return c.json({ ok: true });
  });
  app.post('/keys/roles', async (c) => {
    const { key, roles } = await body(c, z.strictObject({ key: z.string(), roles: z.array(z.string()) }));
    control.setApiKeyRoles(key, roles);
    return c.json({ ok: true });
  });
  app.post('/orgs/:org/queues', async (c) => c.json(control.createQueue(await body(c, S.CreateQueueInput, c.req.param())), 201));
  app.delete('/orgs/:org/queues/:id', (c) => c.json(control.deleteQueue(c.req.param())));
  app.post('/orgs/:org/teams', async (c) => c.json(control.createTeam(await body(c, S.CreateTeamInput, c.req.param())), 201));
  app.post('/orgs/:org/users', async (c) => c.json(control.createUser(await body(c, S.CreateUserInput, c.req.param())), 201));
  app.post('/orgs/:org/tags', async (c) => c.json(control.createTag(await body(c, S.CreateTagInput, c.req.param())), 201));
  app.post('/orgs/:org/sub-statuses', async (c) => c.json(control.createSubStatus(await body(c, S.CreateSubStatusInput, c.req.param())), 201));
  // Kustomer wakes snoozes on its own clock; tests say when "now" is for the wake.
  app.post('/snoozes/wake', async (c) => {
    const { at } = await body(c, z.strictObject({ at: z.iso.datetime().optional() }));
    return c.json({ woke: control.wakeSnoozes(at ? new Date(at) : undefined) });
  });
  app.post('/orgs/:org/customers', async (c) => c.json(control.createCustomer(await body(c, S.CreateCustomerInput, c.req.param())), 201));
  app.put('/orgs/:org/metadata/:resource', async (c) => c.json(control.setMetadata(await body(c, S.SetMetadataInput, c.req.param()))));
  app.patch('/orgs/:org/conversations/:id', async (c) => c.json(control.changeConversation(await body(c, S.AgentChangeInput, c.req.param()))));

  app.post('/orgs/:org/conversations/:id/notes', async (c) => c.json(control.addNote(await body(c, S.AgentNoteInput, c.req.param())), 201));
  app.post('/orgs/:org/conversations/:id/messages', async (c) => c.json(control.addMessage(await body(c, S.ThreadMessageInput, c.req.param())), 201));

  const reads = ['queues', 'teams', 'users', 'tags', 'subStatuses', 'conversations', 'customers', 'notes', 'messages', 'attachments'] as const;
  for (const what of reads) app.get(`/orgs/:org/${what}`, (c) => c.json(control[what](c.req.param('org'))));

  app.post('/faults', async (c) => c.json(control.injectFault(await body(c, S.FaultInput)), 201));
  app.get('/faults', (c) => c.json(control.faults()));
  app.delete('/faults', (c) => (control.clearFaults(), c.json({ ok: true })));
  app.delete('/faults/:id', (c) => (control.clearFaults(c.req.param('id')), c.json({ ok: true })));

  app.get('/calls', (c) => c.json(control.calls()));
  app.delete('/calls', (c) => (control.clearCalls(), c.json({ ok: true })));

  const count = z.strictObject({ count: z.number().int().positive() });
  app.get('/webhooks/deliveries', (c) => c.json(control.webhooks.deliveries()));
  app.post('/webhooks/drop', async (c) => (control.webhooks.dropNext((await body(c, count)).count), c.json({ ok: true })));
  app.post('/webhooks/duplicate', async (c) => (control.webhooks.duplicateNext((await body(c, count)).count), c.json({ ok: true })));
  app.post('/webhooks/hold', (c) => (control.webhooks.hold(), c.json({ ok: true })));
  app.post('/webhooks/release', async (c) => {
    const { order } = await body(c, z.strictObject({ order: z.enum(['reverse', 'original']).optional() }));
    await control.webhooks.release(order);
    return c.json({ ok: true });
  });
  app.post('/webhooks/signing', async (c) => (control.webhooks.setSigning((await body(c, z.strictObject({ on: z.boolean() }))).on), c.json({ ok: true })));
  app.post('/webhooks/failures-before-disable', async (c) => (control.webhooks.setFailuresBeforeDisable((await body(c, count)).count), c.json({ ok: true })));
  app.get('/orgs/:org/webhooks', (c) => c.json(control.webhooks.list(c.req.param('org'))));
  app.post('/webhooks/retry-failed', async (c) => (await control.webhooks.retryFailed(), c.json({ ok: true })));
  return app;
}
