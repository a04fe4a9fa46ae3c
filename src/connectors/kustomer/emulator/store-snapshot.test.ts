import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemoOrg } from './seed-demo-org.ts';
import { serveEmulator } from './serve-emulator.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-state-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a served emulator with a state file', () => {
  it('finds on restart the org, key, conversation, note and file it had when it closed', async () => {
    const stateFile = path.join(dir, 'nested', 'kustomer.json');
    const first = await serveEmulator({ port: 0, stateFile });
    expect(first.restored).toBe(false);
    const demo = seedDemoOrg(first.control, { name: 'acme' });
    const headers = { authorization: `Bearer ${demo.apiKey}`, 'content-type': 'application/json' };
    const customer = (await (await fetch(`${first.url}/v1/customers`, { method: 'POST', headers, body: JSON.stringify({ name: 'Jane' }) })).json()).data;
    const conversation = (
      await (
        await fetch(`${first.url}/v1/conversations`, { method: 'POST', headers, body: JSON.stringify({ customer: customer.id, name: 'VPN down' }) })
      ).json()
    ).data;
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10]);
    first.control.addNote({
      org: 'acme',
      id: conversation.id,
      body: 'Logs attached',
      attachments: [{ name: 'screen.png', contentType: 'image/png', contentBase64: bytes.toString('base64') }],
    });
    await first.close();

    const second = await serveEmulator({ port: 0, stateFile });
    try {
      expect(second.restored).toBe(true);
      const read = await fetch(`${second.url}/v1/conversations/${conversation.id}`, { headers });
      expect(read.status).toBe(200);
      expect((await read.json()).data.attributes.name).toBe('VPN down');
      const [note] = (await (await fetch(`${second.url}/v1/conversations/${conversation.id}/notes`, { headers })).json()).data;
      expect(note.attributes.body).toBe('Logs attached');
      const file = (await (await fetch(`${second.url}/v1/attachments/${note.relationships.attachments.data[0].id}`, { headers })).json()).data;
      expect(Buffer.from(await (await fetch(file.links.related)).arrayBuffer())).toEqual(bytes);
      // Revoked by its id, the key is refused by its token: both indexes still hold one record after a restore.
      second.control.revokeApiKey(demo.key.id);
      expect((await fetch(`${second.url}/v1/conversations/${conversation.id}`, { headers })).status).toBe(401);
    } finally {
      await second.close();
    }
  });
});
