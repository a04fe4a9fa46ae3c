import { describe, expect, it } from 'vitest';
import { parseConversationRef } from './ticket-ref.ts';

const ID = '5f1c2a9b3d4e5f6a7b8c9d0e';
const hosts = { org: 'acme', webUrlOverride: 'http://127.0.0.1:4010', baseUrlOverride: 'http://kustomer.emulator' };
const read = (input: string) => parseConversationRef(input, hosts);

describe('reading a pasted Kustomer conversation (docs/kustomer.md §25)', () => {
  it("reads the id out of every shape of the org's links", () => {
    for (const url of [
      ID,
      ` ${ID.toUpperCase()} `,
      `https://acme.kustomerapp.com/app/customers/5f1c2a9b3d4e5f6a7b8c9d01/event/${ID}`,
      `https://ACME.kustomerapp.com/app/conversations/${ID}?tab=notes#x`,
      `acme.kustomerapp.com/app/conversations/${ID}`,
      `https://acme.kustomerapp.com/app/customers/5f1c2a9b3d4e5f6a7b8c9d01?conversationId=${ID}`,
      `https://acme.api.kustomerapp.com/v1/conversations/${ID}`,
      `https://api.prod2.kustomerapp.com/v1/conversations/${ID}/messages`,
      `http://127.0.0.1:4010/app/customers/c/event/${ID}`,
      `http://kustomer.emulator/v1/conversations/${ID}`,
    ])
      expect(read(url), url).toEqual({ kind: 'ticket', ticketId: ID });
  });

  it("names another org's link instead of reading it", () => {
    expect(read(`https://globex.kustomerapp.com/app/conversations/${ID}`)).toEqual({ kind: 'other_account', account: 'globex' });
    expect(read(`https://globex.api.kustomerapp.com/v1/conversations/${ID}`)).toEqual({ kind: 'other_account', account: 'globex' });
  });

  it('says why a link opens no conversation, and leaves words and emails to the search', () => {
    expect(read('https://acme.kustomerapp.com/app/customers/5f1c2a9b3d4e5f6a7b8c9d01')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('customer'),
    });
    expect(read(`https://evil.example/app/conversations/${ID}`)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('is not Kustomer') });
    expect(read(`https://cdn.kustomerapp.com/app/conversations/${ID}`)).toMatchObject({ kind: 'invalid' });
    expect(read('https://acme.kustomerapp.com/app/conversations/not-an-id')).toMatchObject({ kind: 'invalid' });
    expect(read('https://acme.kustomerapp.com/app/conversations/%E0%A4%A')).toMatchObject({ kind: 'invalid' });
    expect(read('printer jams')).toEqual({ kind: 'text' });
    expect(read('pat@customer.example')).toEqual({ kind: 'text' });
    expect(read('refund')).toEqual({ kind: 'text' });
  });
});
