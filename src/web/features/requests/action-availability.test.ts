import { describe, expect, it } from 'vitest';
import { assignToMeUnavailable, escalateUnavailable, reopenUnavailable } from './action-availability.ts';

const kustomer = (extra: Record<string, unknown> = {}) => ({ name: 'Kustomer', status: 'connected' as const, queues: [{ id: 'q' }], teams: [], ...extra });

describe('why an action is unavailable', () => {
  it('says why Escalate cannot be used, and the way out for an agent or an admin', () => {
    expect(escalateUnavailable(kustomer(), false)).toBeNull();
    expect(escalateUnavailable(kustomer({ status: 'not_connected' }), false)).toEqual({
      reason: 'Kustomer is not connected',
      hint: 'An admin can connect it in Settings → Integrations',
    });
    expect(escalateUnavailable(undefined, true)).toEqual({
      reason: 'Kustomer is not connected',
      hint: 'Connect it in Settings → Integrations',
      href: '/settings/integrations/kustomer',
    });
    expect(escalateUnavailable(kustomer({ status: 'invalid_credentials' }), false)?.reason).toBe("Kustomer refused Bridgedesk's API key");
    expect(escalateUnavailable(kustomer({ queues: [] }), false)?.reason).toBe('No Kustomer queue or team is enabled');
    expect(escalateUnavailable(kustomer({ queues: [], teams: [{ id: 't' }] }), false)).toBeNull();
  });

  it('says why Assign to me and Reopen cannot be used', () => {
    expect(assignToMeUnavailable(true)).toEqual({ reason: 'Assigned to you' });
    expect(assignToMeUnavailable(false)).toBeNull();
    expect(reopenUnavailable('archived', false)?.reason).toBe('Archived requests stay closed');
    expect(reopenUnavailable('archived', true)).toBeNull();
    expect(reopenUnavailable('resolved', false)).toBeNull();
  });
});
