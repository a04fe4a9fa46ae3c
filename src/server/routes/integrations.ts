/** Settings → Integrations: the destinations offered; for each, connect with an API key, choose queues and teams, re-sync, disconnect. */

import { connectDestination, connectionStatus, disconnectDestination, resyncDestination, setDestinationTargets } from '../../usecases/connect-destination.ts';
import { testEscalation } from '../../usecases/test-escalation.ts';
import { offeredProviders, PROVIDERS } from '../../connectors/registry.ts';
import { TestEscalationSchema } from '../schemas/escalation.ts';
import {
  ConnectIntegrationSchema,
  IntegrationChangesSchema,
  IntegrationSchema,
  IntegrationSummarySchema,
  TestEscalationBodySchema,
} from '../schemas/integration.ts';
import { requireUser } from '../auth/guards.ts';
import { errors, json, jsonBody, jsonItems, ProviderParam, routeProvider, router, securedRoute } from '../openapi.ts';

export const integrationRoutes = router();
const tags = ['Integrations'];

const view = ({ account, ...rest }: Awaited<ReturnType<typeof connectionStatus>>) => ({ orgName: account, ...rest });
const path = '/integrations/{provider}';
const request = { params: ProviderParam };

integrationRoutes.openapi(
  securedRoute('staff', {
    method: 'get',
    path: '/integrations',
    tags,
    summary: 'The destinations this deployment offers, each with its connection status',
    description: 'Staff read it too: the screens name a destination by its displayName.',
    responses: {
      200: jsonItems(IntegrationSummarySchema),
      ...errors(401, 403),
    },
  }),
  async (c) => {
    const items = await Promise.all(
      offeredProviders(c.var.deps.config).map(async (id) => {
        const { status, account } = await connectionStatus(c.var.deps, id);
        return { id, displayName: PROVIDERS[id].displayName, accountLabel: PROVIDERS[id].accountLabel, status, account };
      }),
    );
    return c.json({ items }, 200);
  },
);

integrationRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path,
    tags,
    summary: 'Connection status, org, key suffix, queues and teams with their enabled flag, last sync',
    request,
    responses: { 200: json(IntegrationSchema), ...errors(401, 403, 404) },
  }),
  async (c) => c.json(view(await connectionStatus(c.var.deps, routeProvider(c))), 200),
);

integrationRoutes.openapi(
  securedRoute('admin', {
    method: 'put',
    path,
    tags,
    summary: 'Authorize: check the API key against the destination, then store the connection (key encrypted)',
    description: 'A refused key answers 422 "Invalid credentials"; missing permissions are listed; an unreachable destination answers 502.',
    request: {
      ...request,
      body: jsonBody(ConnectIntegrationSchema),
    },
    responses: { 200: json(IntegrationSchema), ...errors(400, 401, 403, 404, 422, 502) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const body = c.req.valid('json');
    return c.json(view(await connectDestination(c.var.deps, actor, routeProvider(c), { account: body.orgName, secret: body.apiKey })), 200);
  },
);

integrationRoutes.openapi(
  securedRoute('admin', {
    method: 'patch',
    path,
    tags,
    summary: 'Choose which queues and teams agents may escalate to, and which request field holds the customer email',
    request: {
      ...request,
      body: jsonBody(IntegrationChangesSchema),
    },
    responses: { 200: json(IntegrationSchema), ...errors(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const changes = [
      ...(body.queues ?? []).map((q) => ({ kind: 'queue' as const, ...q })),
      ...(body.teams ?? []).map((t) => ({ kind: 'team' as const, ...t })),
    ];
    return c.json(view(await setDestinationTargets(c.var.deps, routeProvider(c), changes, body.contactEmailField)), 200);
  },
);

integrationRoutes.openapi(
  securedRoute('admin', {
    method: 'post',
    path: `${path}/sync`,
    tags,
    summary: 'Re-sync queues and teams from the destination (ones that disappeared stay, marked unavailable)',
    request,
    responses: { 200: json(IntegrationSchema), ...errors(401, 403, 404, 422, 502) },
  }),
  async (c) => c.json(view(await resyncDestination(c.var.deps, routeProvider(c))), 200),
);

integrationRoutes.openapi(
  securedRoute('admin', {
    method: 'delete',
    path,
    tags,
    summary: 'Disconnect: forget the key, queues and teams',
    request,
    responses: { 204: { description: 'Disconnected' }, ...errors(401, 403, 404) },
  }),
  async (c) => {
    await disconnectDestination(c.var.deps, routeProvider(c));
    return c.body(null, 204);
  },
);

integrationRoutes.openapi(
  securedRoute('admin', {
    method: 'post',
    path: `${path}/test`,
    tags,
    summary: 'Test escalation: file a sample request and escalate it to a queue or team, to check the setup end to end',
    description: "Answers 202; follow the escalation and the sample request's timeline for each step's outcome.",
    request: {
      ...request,
      body: jsonBody(TestEscalationBodySchema),
    },
    responses: {
      202: json(TestEscalationSchema, 'Accepted'),
      ...errors(400, 401, 403, 404, 422),
    },
  }),
  async (c) => c.json(await testEscalation(c.var.deps, requireUser(c), routeProvider(c), c.req.valid('json')), 202),
);
