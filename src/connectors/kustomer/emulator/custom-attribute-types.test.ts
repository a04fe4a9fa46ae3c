/**
 * Conversation custom attribute writes are checked by type as Kustomer documents the name suffixes
 * (docs/kustomer.md §8, §31): what Bridgedesk's internal facts send (Str text up to 1,024 characters, Txt text, At an
 * ISO date-time, Url a URL, null to clear) is taken, anything else refused with 400 naming the attribute, and nothing
 * of a refused update is written.
 */
import { describe, expect, it } from 'vitest';
import { createTestEmulator } from './test-emulator.ts';

describe('custom attribute types on a conversation update', () => {
  const setup = async () => {
    const t = createTestEmulator();
    t.control.setMetadata({
      org: 'acme',
      properties: {
        bridgedeskApprovalStr: { type: 'string' },
        lastInternalUpdateTxt: { type: 'string' },
        lastInternalUpdateAt: { type: 'date' },
        bridgedeskLinkUrl: { type: 'url' },
      },
    });
    const conv = await t.createConversation({});
    const patch = (custom: Record<string, unknown>) => t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { custom } });
    const stored = () => t.control.conversations('acme').find((c) => c.id === conv.id)!.attributes.custom as Record<string, unknown>;
    return { patch, stored };
  };

  it('takes what the internal facts send, and null clears', async () => {
    const { patch, stored } = await setup();
    const good = {
      bridgedeskApprovalStr: `Awaiting approval by ${'M'.repeat(1000)}`.slice(0, 1024),
      lastInternalUpdateTxt: 'Ada Agent: ordered the laptop',
      lastInternalUpdateAt: '2026-03-14T10:42:00.000Z',
      bridgedeskLinkUrl: 'https://desk.example.com/requests/REQ-7',
    };
    expect((await patch(good)).status).toBe(200);
    expect(stored()).toMatchObject(good);
    const cleared = { bridgedeskApprovalStr: null, lastInternalUpdateTxt: null, lastInternalUpdateAt: null, bridgedeskLinkUrl: null };
    expect((await patch(cleared)).status).toBe(200);
    expect(stored()).toMatchObject(cleared);
  });

  it('refuses a value of the wrong type with 400 naming the attribute, and writes nothing of that update', async () => {
    const { patch, stored } = await setup();
    const bad: Record<string, unknown>[] = [
      { lastInternalUpdateAt: '14 Mar 2026 10:42' },
      { lastInternalUpdateAt: 1773484920000 },
      { bridgedeskApprovalStr: 'x'.repeat(1025) },
      { bridgedeskApprovalStr: 42 },
      { bridgedeskLinkUrl: 'REQ-7' },
    ];
    for (const custom of bad) {
      const [name] = Object.keys(custom);
      const r = await patch({ lastInternalUpdateTxt: 'not written', ...custom });
      expect(r.status, name).toBe(400);
      expect(r.body.errors[0].source).toEqual({ pointer: `/custom/${name}` });
    }
    expect(stored()?.lastInternalUpdateTxt).toBeUndefined();
  });
});
