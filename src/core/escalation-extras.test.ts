import { describe, expect, it } from 'vitest';
import { normaliseAllowList, planTags } from './escalation-extras.ts';

describe('which request tags go to the destination', () => {
  const kustomer = [
    { id: 't1', name: 'VPN' },
    { id: 't2', name: 'internal' },
  ];

  it('sends a tag only when it is on the allow-list and the destination has it (names in any case)', () => {
    expect(planTags(['vpn', 'internal', 'hardware'], ['vpn', 'hardware'], kustomer)).toEqual([
      { name: 'vpn', outcome: 'sent', remoteId: 't1' },
      { name: 'internal', outcome: 'not_allowed', remoteId: null },
      { name: 'hardware', outcome: 'unknown_in_destination', remoteId: null },
    ]);
  });

  it('sends none with an empty allow-list', () => {
    expect(planTags(['vpn'], [], kustomer).map((t) => t.outcome)).toEqual(['not_allowed']);
  });

  it('keeps the allow-list lowercase, unique and sorted', () => {
    expect(normaliseAllowList([' VPN', 'network', 'vpn', ''])).toEqual(['network', 'vpn']);
  });
});
