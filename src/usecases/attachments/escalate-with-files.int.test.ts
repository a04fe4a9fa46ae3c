/**
 * Files to Kustomer, end to end: the API, the real worker, Bridgedesk's storage and the Kustomer emulator over HTTP.
 * The Escalate form offers the request's public files; the chosen ones arrive on the conversation's first message,
 * each exactly once however the delivery is retried; a Note to Kustomer carries its files the same way.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, serveEmulator } from '../../connectors/kustomer/emulator/index.ts';
import { pdf, png } from '../../../test/support/attachment-files.ts';
import { startAttachmentStack } from '../../../test/support/attachment-stack.ts';

const emulator = await serveEmulator({ port: 0, rateWindowMs: 2000 });
afterAll(() => emulator.close());
const demo = seedDemoOrg(emulator.control, { name: 'acme' });
emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
const stack = await startAttachmentStack('postgres', {
  KUSTOMER_BASE_URL: emulator.url,
  KUSTOMER_WEB_URL: emulator.url,
  KUSTOMER_RATE_WINDOW_MS: '2000',
});
const { t } = stack;
const admin = await t.createUser('admin');
const agent = await t.createUser('agent', { name: 'Ada Agent' });
const requester = await t.createUser('requester', { name: 'Riley Requester', email: 'riley@corp.example' });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey })).status).toBe(200);
  await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: demo.queues.vip.id, enabled: true }] });
  await t.startWorker({ concurrency: 4, retryBaseMs: 50 });
});
afterEach(() => emulator.control.clearFaults());

async function upload(who: typeof agent, name: string, bytes: Buffer): Promise<string> {
  const r = await stack.upload(who, name, bytes);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

/** A request filed by Riley with a screenshot and a PDF, and an agent's internal note with a log. */
async function requestWithFiles(title: string) {
  const screenshot = png({ width: 40, height: 30, padTo: 20_000 });
  const report = pdf();
  const log = Buffer.from('secret internal log\n');
  const ids = [await upload(requester, 'screenshot.png', screenshot), await upload(requester, 'report.pdf', report)];
  const r = await t.api(requester, 'POST', '/api/v1/requests', { title, attachmentIds: ids });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const logId = await upload(agent, 'debug.log', log);
  const note = await t.api(agent, 'POST', `/api/v1/requests/${r.body.id}/comments`, { body: 'internal', visibility: 'internal', attachmentIds: [logId] });
  expect(note.status, JSON.stringify(note.body)).toBe(201);
  return { request: r.body, ids, logId, bytes: { screenshot, report } };
}

const escalate = (requestId: string, attachmentIds?: string[]) =>
  t.api(agent, 'POST', `/api/v1/requests/${requestId}/escalations`, {
    destination: 'kustomer',
    queueId: demo.queues.vip.id,
    channel: 'email',
    priority: 3,
    subject: 'Files please',
    message: 'See the attached files',
    ...(attachmentIds ? { attachmentIds } : {}),
  });

async function linked(escalationId: string) {
  return t.waitFor(async () => {
    const x = (await t.api(agent, 'GET', `/api/v1/escalations/${escalationId}`)).body;
    return x.state === 'linked' ? x : undefined;
  }, 30_000);
}

/** The emulator's attachment records attached to something, with their bytes' digests. */
const attachedInKustomer = () => emulator.control.attachments('acme').filter((a) => a.attachedTo !== null);

describe('escalate with files', () => {
  it("offers only the request's public files, and the chosen ones arrive once each on the conversation's first message", async () => {
    const { request, ids, logId, bytes } = await requestWithFiles('Printer jams');
    const options = (await t.api(agent, 'GET', `/api/v1/requests/${request.id}/escalation-options`)).body;
    expect(options.attachments.map((a: { id: string }) => a.id)).toEqual(ids);
    expect(options.attachments.map((a: { id: string }) => a.id)).not.toContain(logId);

    const before = attachedInKustomer().length;
    const e = await escalate(request.id, ids);
    expect(e.status, JSON.stringify(e.body)).toBe(202);
    await linked(e.body.id);
    const sent = attachedInKustomer().slice(before);
    expect(sent.map((a) => a.name).sort()).toEqual(['report.pdf', 'screenshot.png']);
    expect(sent.every((a) => a.uploaded && a.attachedTo?.type === 'message')).toBe(true);
    expect(new Set(sent.map((a) => a.attachedTo?.id)).size).toBe(1);
    expect(sent.map((a) => a.sha256).sort()).toEqual([sha(bytes.report), sha(bytes.screenshot)].sort());
    const stored = await t.db.selectFrom('escalations').select('attachment_ids').where('id', '=', e.body.id).executeTakeFirstOrThrow();
    expect(stored.attachment_ids).toEqual(ids);
  });

  it("refuses an internal note's file, or another request's, with 422 and writes no escalation", async () => {
    const { request, logId } = await requestWithFiles('Scanner broken');
    const other = await requestWithFiles('Other request');
    for (const bad of [[logId], [other.ids[0]!]]) {
      const r = await escalate(request.id, bad);
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.error.details.attachmentIds).toEqual(bad);
    }
    expect(await t.db.selectFrom('escalations').select('id').where('request_id', '=', request.id).execute()).toEqual([]);
  });

  it('sends only the files left ticked', async () => {
    const { request, ids } = await requestWithFiles('Only the PDF');
    const before = attachedInKustomer().length;
    await linked((await escalate(request.id, [ids[1]!])).body.id);
    expect(
      attachedInKustomer()
        .slice(before)
        .map((a) => a.name),
    ).toEqual(['report.pdf']);
  });

  it('never uploads or attaches a file twice when replies are lost and the delivery is retried', async () => {
    const { request, ids, bytes } = await requestWithFiles('Lost replies');
    const before = emulator.control.attachments('acme').length;
    const beforeAttached = attachedInKustomer().length;
    // A create whose reply is lost, then an upload to the bucket whose reply is lost: each run must find its record.
    emulator.control.injectFault({ kind: 'lost_reply', method: 'POST', pathPrefix: '/v1/attachments', count: 1 });
    emulator.control.injectFault({ kind: 'lost_reply', method: 'POST', pathPrefix: '/s3/', count: 1 });
    const e = await escalate(request.id, ids);
    await linked(e.body.id);
    // Both faults hit: the create's reply and the bucket's reply were each lost once.
    expect(emulator.control.faults().map((f) => f.applied)).toEqual([1, 1]);
    const sent = attachedInKustomer().slice(beforeAttached);
    expect(sent.map((a) => a.sha256).sort()).toEqual([sha(bytes.report), sha(bytes.screenshot)].sort());
    // At most the one record whose create reply was lost is left, unreferenced and without bytes.
    const orphans = emulator.control
      .attachments('acme')
      .slice(before)
      .filter((a) => a.attachedTo === null);
    expect(orphans.length).toBeLessThanOrEqual(1);
    expect(orphans.every((a) => !a.uploaded)).toBe(true);
    const checkpoints = await t.db
      .selectFrom('file_checkpoints')
      .select(['attachment_id', 'progress'])
      .where('scope', '=', `escalation:${e.body.id}`)
      .execute();
    expect(checkpoints.map((c) => c.attachment_id).sort()).toEqual([...ids].sort());
  });

  it('a Note to Kustomer carries its files to the conversation, and they stay internal on the request', async () => {
    const { request, ids } = await requestWithFiles('Note with a file');
    const esc = await linked((await escalate(request.id, [])).body.id);
    const before = attachedInKustomer().length;
    const fileId = await upload(agent, 'trace.txt', Buffer.from('trace for Kustomer\n'));
    const r = await t.api(agent, 'POST', `/api/v1/escalations/${esc.id}/notes`, { body: 'Trace attached', attachmentIds: [fileId] });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await t.waitFor(async () => (attachedInKustomer().length > before ? true : undefined), 30_000);
    const sent = attachedInKustomer().slice(before);
    expect(sent.map((a) => [a.name, a.attachedTo?.type])).toEqual([['trace.txt', 'note']]);
    // The requester cannot download the note's file (internal), though they can their own.
    expect((await stack.download(requester, fileId)).status).toBe(404);
    expect((await stack.download(requester, ids[0]!)).status).toBe(200);
  });

  it("with comment sync on, a public reply's files go with its note to the conversation, once each", async () => {
    const { request } = await requestWithFiles('Reply with a file');
    const esc = await linked((await escalate(request.id, [])).body.id);
    await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: true, outbound: true, pollMinutes: 0, commentSync: true });
    try {
      const before = attachedInKustomer().length;
      const shot = png({ width: 12, height: 12, rgb: [9, 9, 9] });
      const fileId = await upload(agent, 'steps.png', shot);
      // The note's first create reply is lost: the retry finds it, and the file is neither uploaded nor attached again.
      emulator.control.injectFault({ kind: 'lost_reply', method: 'POST', pathPrefix: `/v1/conversations/${esc.conversationId}/notes`, count: 1 });
      const r = await t.api(agent, 'POST', `/api/v1/requests/${request.id}/comments`, { body: 'Steps attached', attachmentIds: [fileId] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      await t.waitFor(async () => (attachedInKustomer().length > before ? true : undefined), 30_000);
      await t.waitFor(async () => {
        const job = await t.db.selectFrom('file_checkpoints').select('progress').where('scope', 'like', `comment:${esc.id}:%`).executeTakeFirst();
        return job ? true : undefined;
      }, 30_000);
      expect(emulator.control.faults().map((f) => f.applied)).toEqual([1]);
      const sent = attachedInKustomer().slice(before);
      expect(sent.map((a) => [a.name, a.attachedTo?.type, a.sha256])).toEqual([['steps.png', 'note', sha(shot)]]);
    } finally {
      await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: true, outbound: true, pollMinutes: 0, commentSync: false });
    }
  });

  it("a workflow's conversation step takes every public file of the request, never an internal note's", async () => {
    const wf = await t.api(admin, 'POST', '/api/v1/workflows', {
      name: 'Hand over with files',
      enabled: true,
      definition: {
        trigger: { event: 'request.submitted' },
        steps: [{ type: 'create_conversation', destination: 'kustomer', queueId: demo.queues.vip.id }],
      },
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    try {
      const before = attachedInKustomer().length;
      const { request, ids } = await requestWithFiles('Workflow with files');
      const esc = await t.waitFor(async () => {
        const row = await t.db.selectFrom('escalations').select(['id', 'state', 'attachment_ids']).where('request_id', '=', request.id).executeTakeFirst();
        return row?.state === 'linked' ? row : undefined;
      }, 30_000);
      // The two public files, never the internal note's log, whenever the run reached its step.
      expect(esc.attachment_ids).toEqual(ids);
      expect(
        attachedInKustomer()
          .slice(before)
          .map((a) => a.name)
          .sort(),
      ).toEqual(['report.pdf', 'screenshot.png']);
    } finally {
      await t.db.updateTable('workflows').set({ enabled: false }).execute();
    }
  });
});
