/** The emulator's attachment flow over HTTP, as Kustomer's docs describe it (docs/kustomer.md §36, §37). */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { servedEmulatorEachTest } from './test-emulator.ts';

const { emulator, clock, demo } = await servedEmulatorEachTest(new Date('2026-03-02T10:00:30Z'));

async function api(method: string, path: string, body?: unknown, key = demo.apiKey) {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function upload(form: { url: string; fields: Record<string, string> }, bytes: Buffer, change: (f: FormData) => void = () => {}) {
  const data = new FormData();
  for (const [k, v] of Object.entries(form.fields)) data.append(k, v);
  change(data);
  data.append('file', new Blob([new Uint8Array(bytes)]), 'file.bin');
  const res = await fetch(form.url, { method: 'POST', body: data });
  return { status: res.status, text: await res.text() };
}

async function conversation() {
  const customer = (await api('POST', '/v1/customers', { name: 'Jane', emails: [{ type: 'work', email: 'jane@example.com' }] })).body.data.id;
  return (await api('POST', '/v1/conversations', { customer, name: 'Help' })).body.data.id as string;
}

const bytes = Buffer.from('%PDF-1.4 invoice 4417');
const ref = (id: string) => ({ _id: id, name: 'invoice.pdf', contentType: 'application/pdf', contentLength: bytes.length });

async function created(name = 'invoice.pdf', length = bytes.length) {
  const r = await api('POST', '/v1/attachments', { name, contentType: 'application/pdf', contentLength: length });
  expect(r.status).toBe(201);
  return { id: r.body.data.id as string, form: r.body.meta.upload as { url: string; fields: Record<string, string> }, body: r.body };
}

describe('creating and uploading an attachment', () => {
  it('answers 201 with a presigned form shaped as a recorded reply, whose policy allows exactly the declared size for 30 minutes', async () => {
    const { id, form, body } = await created();
    expect(body.data).toMatchObject({ type: 'attachment', attributes: { name: 'invoice.pdf', uploaded: false, redacted: false, contentLength: bytes.length } });
    expect(body.meta.provider).toBe('s3');
    expect(Object.keys(form.fields)).toEqual([
      'key',
      'acl',
      'Content-Type',
      'X-Amz-Meta-Attachment-Id',
      'bucket',
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'Policy',
      'X-Amz-Signature',
    ]);
    expect(form.fields['X-Amz-Meta-Attachment-Id']).toBe(id);
    const policy = JSON.parse(Buffer.from(form.fields.Policy!, 'base64').toString());
    expect(policy.conditions[0]).toEqual(['content-length-range', bytes.length, bytes.length]);
    expect(policy.expiration).toBe('2026-03-02T10:30:30Z');
  });

  it('stores the bytes on a 204, after which a message references the record and reading it gives a download URL that serves the bytes', async () => {
    const { id, form } = await created();
    expect((await upload(form, bytes)).status).toBe(204);
    const conv = await conversation();
    const msg = await api('POST', `/v1/conversations/${conv}/messages`, {
      channel: 'email',
      app: 'x',
      direction: 'in',
      preview: 'see file',
      attachments: [ref(id)],
    });
    expect(msg.status).toBe(201);
    expect(msg.body.data.relationships.attachments.data).toEqual([{ type: 'attachment', id }]);
    const listed = await api('GET', `/v1/conversations/${conv}/messages`);
    expect(listed.body.data[0].relationships.attachments.data).toEqual([{ type: 'attachment', id }]);
    const read = await api('GET', `/v1/messages/${msg.body.data.id}/attachments/${id}`);
    expect(read.body.data.attributes).toMatchObject({ name: 'invoice.pdf', uploaded: true });
    const file = await fetch(read.body.data.links.related);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
  });

  it('refuses an upload larger than declared (400 EntityTooLarge), past its policy (403 Policy expired), with a changed field or an extra one (403)', async () => {
    const a = await created();
    const big = await upload(a.form, Buffer.concat([bytes, Buffer.from('!')]));
    expect(big.status).toBe(400);
    expect(big.text).toContain('<Code>EntityTooLarge</Code>');
    const changed = await upload(a.form, bytes, (f) => f.set('key', 'attachments/other'));
    expect(changed.status).toBe(403);
    expect(changed.text).toContain('Policy Condition failed');
    const extra = await upload(a.form, bytes, (f) => f.append('success_action_redirect', 'https://evil.example'));
    expect(extra.text).toContain('Extra input fields: success_action_redirect');
    clock.advance(31 * 60_000);
    const late = await upload(a.form, bytes);
    expect(late.status).toBe(403);
    expect(late.text).toContain('Policy expired');
    expect(emulator.control.attachments('acme')[0]).toMatchObject({ uploaded: false, sha256: null });
  });

  it('refuses blocked extensions and declared sizes over the limit at create', async () => {
    const exe = await api('POST', '/v1/attachments', { name: 'setup.EXE', contentType: 'application/octet-stream', contentLength: 10 });
    expect(exe.status).toBe(400);
    expect(exe.body.errors[0]).toMatchObject({ code: 'badparam', source: { pointer: '/name' } });
    emulator.control.updateOrg('acme', { maxAttachmentBytes: 1000 });
    const huge = await api('POST', '/v1/attachments', { name: 'big.pdf', contentType: 'application/pdf', contentLength: 1001 });
    expect(huge.status).toBe(400);
    expect(huge.body.errors[0].source).toEqual({ pointer: '/contentLength' });
  });
});

describe('referencing attachments', () => {
  it('refuses an unknown id, one not uploaded, another org’s and one already attached, creating nothing', async () => {
    const conv = await conversation();
    const note = (attachments: unknown[]) => api('POST', `/v1/conversations/${conv}/notes`, { body: 'n', attachments });
    expect((await note([ref('0123456789abcdef01234567')])).body.errors[0].title).toContain('not found');
    const pending = await created();
    expect((await note([ref(pending.id)])).body.errors[0].title).toContain('has not been uploaded');
    emulator.control.createOrg({ name: 'globex' });
    const globexKey = emulator.control.createApiKey({ org: 'globex', roles: ['org.permission'] }).key;
    const theirs = await api('POST', '/v1/attachments', { name: 'x.pdf', contentType: 'application/pdf', contentLength: bytes.length }, globexKey);
    await upload(theirs.body.meta.upload, bytes);
    expect((await note([ref(theirs.body.data.id)])).status).toBe(400);
    await upload(pending.form, bytes);
    expect((await note([ref(pending.id)])).status).toBe(201);
    const again = await note([ref(pending.id)]);
    expect(again.status).toBe(400);
    expect(again.body.errors[0].title).toContain('already attached to note');
    expect(emulator.control.notes('acme')).toHaveLength(1);
  });

  it('needs attachment.read to read a record, and note.create or message.create to make one', async () => {
    const narrow = emulator.control.createApiKey({ org: 'acme', roles: ['org.permission.message.create'] }).key;
    const r = await api('POST', '/v1/attachments', { name: 'a.pdf', contentType: 'application/pdf', contentLength: 3 }, narrow);
    expect(r.status).toBe(201);
    expect((await api('GET', `/v1/attachments/${r.body.data.id}`, undefined, narrow)).status).toBe(401);
    const none = emulator.control.createApiKey({ org: 'acme', roles: ['org.permission.customer.read'] }).key;
    expect((await api('POST', '/v1/attachments', { name: 'a.pdf', contentType: 'application/pdf', contentLength: 3 }, none)).status).toBe(401);
  });

  it('refuses an expired or forged download URL', async () => {
    const { id, form } = await created();
    await upload(form, bytes);
    const url = (await api('GET', `/v1/attachments/${id}`)).body.data.links.related as string;
    expect((await fetch(url.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'))).status).toBe(403);
    clock.advance(16 * 60_000);
    const late = await fetch(url);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Request has expired');
  });
});

describe('agent controls and faults', () => {
  it('adds a note with a file as an agent would, readable and downloadable through the API', async () => {
    const conv = await conversation();
    const res = await fetch(`${emulator.url}/__emulator/orgs/acme/conversations/${conv}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        body: 'Logs attached',
        attachments: [{ name: 'trace.log', contentType: 'text/plain', contentBase64: Buffer.from('line 1\n').toString('base64') }],
      }),
    });
    expect(res.status).toBe(201);
    const [note] = (await api('GET', `/v1/conversations/${conv}/notes`)).body.data;
    const [{ id }] = note.relationships.attachments.data;
    const read = await api('GET', `/v1/attachments/${id}`);
    expect(read.body.data.attributes).toMatchObject({ name: 'trace.log', contentType: 'text/plain', contentLength: 7, uploaded: true });
    expect(await (await fetch(read.body.data.links.related)).text()).toBe('line 1\n');
  });

  it('commits an upload whose reply is lost, and logs bucket calls with their fault', async () => {
    const { form } = await created();
    emulator.control.injectFault({ kind: 'lost_reply', method: 'POST', pathPrefix: '/s3/' });
    expect((await upload(form, bytes)).status).toBe(502);
    const [a] = emulator.control.attachments('acme');
    expect(a).toMatchObject({ uploaded: true, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(emulator.control.calls().at(-1)).toMatchObject({
      method: 'POST',
      path: '/s3/kustomer-emulator-attachments',
      handledStatus: 204,
      status: 502,
      fault: 'lost_reply',
    });
  });
});
