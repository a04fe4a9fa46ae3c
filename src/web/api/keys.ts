/** Every query key in one place, so mutations invalidate exactly what they change. */
export const keys = {
  setup: ['setup'] as const,
  session: ['session'] as const,
  requests: ['requests'] as const,
  requestList: (query: string) => ['requests', 'list', query] as const,
  request: (ref: string) => ['requests', 'one', ref.toUpperCase()] as const,
  timeline: (id: string) => ['timeline', id] as const,
  users: ['users'] as const,
  userList: (query: string) => ['users', 'list', query] as const,
  inboxes: ['inboxes'] as const,
  services: (includeInactive: boolean) => ['services', includeInactive] as const,
  customFields: (includeInactive: boolean) => ['custom-fields', includeInactive] as const,
  apiTokens: ['api-tokens'] as const,
  kustomerIntegration: ['integrations', 'kustomer'] as const,
};
