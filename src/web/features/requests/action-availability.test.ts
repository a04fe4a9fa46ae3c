import { describe, expect, it } from 'vitest';
import { assignToMeUnavailable, escalateUnavailable, reopenUnavailable } from './action-availability.ts';

const kustomer = (extra: Record<string, unknown> = {}) => ({
  id: 'kustomer',
  name: 'Kustomer',
  status: 'connected' as const,
  queues: [{ id: 'q' }],
  teams: [],
  ...extra,
});

describe('why an action is unavailable', () => {
  it('says why Escalate cannot be used, and the way out for an agent or an admin', () => {
    expect(escalateUnavailable(kustomer(), false)).toBeNull();
    expect(escalateUnavailable(kustomer({ status: 'not_connected' }), false)).toEqual({
      reason: 'Kustomer is not connected',
      hint: 'An admin can connect it in Settings → Integrations',
    });
    expect(escalateUnavailable(kustomer({ status: 'not_connected' }), true)).toEqual({
      reason: 'Kustomer is not connected',
      hint: 'Connect it in Settings → Integrations',
      href: '/settings/integrations/kustomer',
    });
    expect(escalateUnavailable(kustomer({ status: 'invalid_credentials' }), false)?.reason).toBe("Kustomer refused Bridgedesk's API key");
    expect(escalateUnavailable(kustomer({ queues: [] }), false)?.reason).toBe('No Kustomer queue or team is enabled');
    expect(escalateUnavailable(kustomer({ queues: [], teams: [{ id: 't' }] }), false)).toBeNull();
  });

  it('names whichever destination is offered, and its own settings page', () => {
    const desk = { id: 'test-desk', name: 'Test Desk', status: 'not_connected' as const, queues: [], teams: [] };
    expect(escalateUnavailable(desk, true)).toMatchObject({ reason: 'Test Desk is not connected', href: '/settings/integrations/test-desk' });
    expect(escalateUnavailable(undefined, true)).toEqual({ reason: 'No destination is offered', href: '/settings/integrations' });
  });

  it('says why Assign to me and Reopen cannot be used', () => {
    expect(assignToMeUnavailable(true)).toEqual({ reason: 'Assigned to you' });
    expect(assignToMeUnavailable(false)).toBeNull();
    expect(reopenUnavailable('archived', false)?.reason).toBe('Archived requests stay closed');
    expect(reopenUnavailable('archived', true)).toBeNull();
    expect(reopenUnavailable('resolved', false)).toBeNull();
  });
});
