/** Who hears of a comment: public replies reach the requester and followers by notification and real email; internal notes reach nobody. */
import { describe, expect, it } from 'vitest';
import { startSmtpInbox } from '../../test/support/smtp-inbox.ts';
import { createTestApp } from '../../test/support/test-app.ts';

const inbox = await startSmtpInbox();
const t = await createTestApp({ SMTP_URL: inbox.url, BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' });
await t.startWorker();
const agent = await t.createUser('agent', { name: 'Ada Agent' });
const riley = await t.createUser('requester', { name: 'Riley Requester' });
const fin = await t.createUser('requester', { name: 'Fin Follower' });

async function fileRequest(title: string) {
  const r = await t.api(riley, 'POST', '/api/v1/requests', { title });
  expect(r.status).toBe(201);
  return r.body as { id: string; key: string };
}

const notificationsOf = async (userId: string) => t.db.selectFrom('notifications').select(['kind', 'title', 'body']).where('user_id', '=', userId).execute();

describe('comment notices', () => {
  it('emails the requester and followers a public reply with a link, but not its author', async () => {
    const req = await fileRequest('Printer jams');
    expect((await t.api(agent, 'PUT', `/api/v1/requests/${req.id}/followers/${fin.id}`)).status).toBeLessThan(300);
    expect(
      (await t.api(agent, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Open tray 2 and pull the green lever.', visibility: 'public' })).status,
    ).toBe(201);

    for (const who of [riley, fin]) {
      const mail = await t.waitFor(async () => inbox.received.find((m) => m.to === who.email && m.body.includes('pull the green lever')));
      expect(mail.body).toContain(`Re: [${req.key}] Printer jams`);
      expect(mail.body).toContain(`https://desk.example.com/requests/${req.key}`);
      expect(await notificationsOf(who.id)).toContainEqual({
        kind: 'reply',
        title: `Re: [${req.key}] Printer jams`,
        body: 'Ada Agent replied:\n\nOpen tray 2 and pull the green lever.',
      });
    }
    expect(await notificationsOf(agent.id)).toEqual([]);
  });

  it('never sends an internal note to the requester, by email or notification', async () => {
    const req = await fileRequest('Laptop slow');
    expect(
      (await t.api(agent, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Riley keeps breaking it (internal)', visibility: 'internal' })).status,
    ).toBe(201);
    // A later public reply is mailed: once it has arrived, the note had every chance to arrive before it.
    expect((await t.api(agent, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'We are on it.', visibility: 'public' })).status).toBe(201);
    await t.waitFor(async () => inbox.received.find((m) => m.to === riley.email && m.body.includes('We are on it.')));
    expect(inbox.received.filter((m) => m.body.includes('keeps breaking'))).toEqual([]);
    expect((await notificationsOf(riley.id)).filter((n) => n.body.includes('keeps breaking'))).toEqual([]);
    const outbox = await t.db.selectFrom('email_outbox').select('body').where('request_id', '=', req.id).execute();
    expect(outbox.map((m) => m.body).join('\n')).not.toContain('keeps breaking');
  });

  it('does not email the requester their own reply', async () => {
    const req = await fileRequest('Mouse broken');
    expect((await t.api(riley, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Still broken today.', visibility: 'public' })).status).toBe(201);
    const outbox = await t.db.selectFrom('email_outbox').select('to_address').where('request_id', '=', req.id).execute();
    expect(outbox).toEqual([]);
  });
});
