/**
 * Attachments in the browser (issue 18): paste a screenshot into a new request, watch it upload, see it as a
 * thumbnail on the timeline and in the viewer, escalate with it ticked and find it on the emulator's conversation,
 * download it. In the composer: files by the button with per-file progress (uploads throttled), cancel, a failed
 * upload retried without retyping, a PDF previewed on the timeline. Back from Kustomer: a note with files added in the
 * emulator shows on the request with its file (downloaded) and a too-large one named with a link. Laptop and phone screenshots go to
 * test/support/shots.ts's folder.
 * Needs dist/web (`npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import { pdf, png } from '../support/attachment-files.ts';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import { queueThreadRead } from '../../src/usecases/sync/read-thread.ts';
import type { TestApp, TestUser } from '../support/test-app.ts';
import { SHOTS } from '../support/shots.ts';

const TIMEOUT = 20_000;
/** The per-file limit the stack runs with: low enough that a file over it is cheap to make in the emulator. */
const MAX_BYTES = 2 * 1024 * 1024;
const STACK = { kustomer: true, worker: true, realClock: true, timeout: TIMEOUT, env: { ATTACHMENT_MAX_BYTES: String(MAX_BYTES) } } as const;

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Pastes `bytes` as a clipboard image into the focused text box, as Ctrl+V of a screenshot does ("image.png"). */
async function pasteImage(page: Page, selector: string, bytes: Buffer) {
  await page.locator(selector).evaluate((el, b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'image.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, bytes.toString('base64'));
}

/** Uploads slow enough to watch (Chromium's network throttling, through the DevTools protocol). */
async function throttleUploads(page: Page, bytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  return () => cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
}

describe('attachments in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let t: TestApp;
  let emulator: ServedEmulator;
  let baseUrl: string;
  let ada: TestUser;
  let riley: TestUser;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, emulator, baseUrl } = stack);
    ada = await t.createUser('agent', { email: 'ada@example.com', name: 'Ada Agent' });
    riley = await t.createUser('requester', { email: 'riley@corp.example', name: 'Riley Requester' });
    const admin = await t.createUser('admin', { email: 'root@example.com', name: 'Rita Root' });
    await stack.connectKustomer(admin, { queues: [stack.demo.queues.tier2Support.id] });
  });
  afterAll(() => stack?.stop());

  it('a pasted screenshot goes with a new request, shows as a thumbnail and in the viewer, is escalated to Kustomer and downloads', async () => {
    const screenshot = png({ width: 320, height: 200, rgb: [40, 140, 90] });
    const page = await stack.signIn(riley, { context: { viewport: LAPTOP } });
    await page.goto(`${baseUrl}/requests/new`);
    await page.getByLabel('Title').fill('Error dialog on checkout');
    await page.getByLabel('Description').fill('It shows this:');
    await pasteImage(page, 'textarea', screenshot);
    const item = page.getByTestId('attach-item');
    await expect.poll(() => item.getAttribute('data-status'), { timeout: TIMEOUT }).toBe('stored');
    expect(await item.locator('.attach-name').textContent()).toMatch(/^screenshot-.*\.png$/);
    // The text typed before the paste is still there: the image did not go into the box.
    expect(await page.getByLabel('Description').inputValue()).toBe('It shows this:');
    await page.getByRole('button', { name: 'File request' }).click();
    await page.getByRole('heading', { name: /Error dialog on checkout/ }).waitFor({ timeout: TIMEOUT });
    const thumb = page.getByTestId('attachment-thumb');
    await thumb.waitFor({ timeout: TIMEOUT });
    await expect.poll(() => thumb.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: TIMEOUT }).toBe(320);
    await page.close();

    // The agent: the thumbnail opens the viewer; Esc closes it.
    const agentPage = await stack.signIn(ada, { context: { viewport: LAPTOP } });
    const request = await t.db.selectFrom('requests').select(['id', 'number']).where('title', '=', 'Error dialog on checkout').executeTakeFirstOrThrow();
    await agentPage.goto(`${baseUrl}/requests/${request.id}`);
    await agentPage.getByTestId('attachment-thumb').click();
    const viewer = agentPage.getByTestId('image-viewer');
    await viewer.waitFor();
    await expect.poll(() => viewer.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
    await agentPage.screenshot({ path: `${SHOTS}/viewer-1280.png` });
    await agentPage.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    await agentPage.screenshot({ path: `${SHOTS}/timeline-thumbnail-1280.png`, fullPage: true });

    // Escalate: the file is listed, ticked; it arrives on the conversation's first message.
    await agentPage.getByTestId('side-panel').getByRole('button', { name: 'Escalate ticket' }).click();
    const dialog = agentPage.getByRole('dialog', { name: 'Escalate ticket' });
    const files = dialog.getByTestId('escalate-files');
    await files.waitFor();
    const box = files.getByRole('checkbox');
    expect(await box.isChecked()).toBe(true);
    await dialog.getByLabel('Queue or team').selectOption({ label: 'Tier 2 Support' });
    await agentPage.screenshot({ path: `${SHOTS}/escalate-files-1280.png` });
    await dialog.getByRole('button', { name: 'Escalate to Tier 2 Support', exact: true }).click();
    await expect
      .poll(() => emulator.control.attachments('acme').filter((a) => a.attachedTo?.type === 'message' && a.sha256 === sha(screenshot)).length, {
        timeout: TIMEOUT,
      })
      .toBe(1);

    // Download, as the browser does from the link (the session's cookie; the stored bytes).
    const link = await agentPage.getByTestId('attachment-thumb').locator('img').getAttribute('src');
    const res = await agentPage.request.get(`${baseUrl}${link}`);
    expect(res.status()).toBe(200);
    expect(sha(await res.body())).toBe(sha(screenshot));

    // Back from Kustomer: an agent there adds a note with a log and a file over the limit. The log shows on the
    // request's note as it arrives (no reload) and downloads byte for byte; the big one is named, with a link.
    const esc = await t.db.selectFrom('escalations').select(['id', 'remote_id']).where('request_id', '=', request.id).executeTakeFirstOrThrow();
    const log = Buffer.from('12:00:01 checkout failed: card declined\n'.repeat(40));
    emulator.control.addNote({
      org: 'acme',
      id: esc.remote_id!,
      body: 'Gateway log attached; the recording is too big for you',
      attachments: [
        { name: 'gateway.log', contentType: 'text/plain', contentBase64: log.toString('base64') },
        { name: 'recording.mov', contentType: 'video/quicktime', contentBase64: Buffer.alloc(MAX_BYTES + 1).toString('base64') },
      ],
    });
    await queueThreadRead(t.db, esc.id);
    const note = agentPage.locator('[data-type="sync.note_received"]');
    const download = note.getByTestId('attachment-download');
    await download.waitFor({ timeout: TIMEOUT });
    expect(await download.locator('.attachment-name').textContent()).toBe('gateway.log');
    expect(await note.getByTestId('remote-file-too-large').textContent()).toMatch(/recording\.mov.*too large to copy; open in Kustomer/);
    await note.scrollIntoViewIfNeeded();
    await agentPage.screenshot({ path: `${SHOTS}/kustomer-note-files-1280.png` });
    await agentPage.setViewportSize(PHONE);
    await note.scrollIntoViewIfNeeded();
    await agentPage.screenshot({ path: `${SHOTS}/kustomer-note-files-390.png` });
    const got = await agentPage.request.get(`${baseUrl}${await download.getAttribute('href')}`);
    expect(got.status()).toBe(200);
    expect(sha(await got.body())).toBe(sha(log));
    await agentPage.close();
  });

  it('the composer shows each upload’s progress, cancels one, retries a failed one without retyping, and the note shows its PDF', async () => {
    const r = await t.api(riley, 'POST', '/api/v1/requests', { title: 'VPN logs' });
    const page = await stack.signIn(ada, { context: { viewport: LAPTOP } });
    await page.goto(`${baseUrl}/requests/${r.body.id}`);
    const composer = page.getByRole('form', { name: 'Comment' });
    await composer.getByRole('radio', { name: 'Internal note' }).click();
    await composer.getByRole('textbox').fill('Logs from the client attached.');

    const restore = await throttleUploads(page, 64 * 1024);
    const big = png({ width: 8, height: 8, padTo: 600_000 });
    await composer.getByTestId('attach-input').setInputFiles([
      { name: 'capture.png', mimeType: 'image/png', buffer: big },
      { name: 'unwanted.png', mimeType: 'image/png', buffer: big },
    ]);
    const items = composer.getByTestId('attach-item');
    await expect.poll(() => composer.locator('progress').count()).toBe(2);
    await expect
      .poll(() =>
        composer
          .locator('progress')
          .first()
          .evaluate((p: HTMLProgressElement) => p.value),
      )
      .toBeGreaterThan(0);
    expect(await composer.getByRole('button', { name: 'Send internal note' }).isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/composer-uploading-1280.png` });
    await composer.getByRole('button', { name: 'Cancel upload of unwanted.png' }).click();
    await expect.poll(() => items.count()).toBe(1);
    await restore();
    await expect.poll(() => items.first().getAttribute('data-status'), { timeout: TIMEOUT }).toBe('stored');

    // A PDF whose upload is cut off once: it fails, says so, and goes on Retry; the typed text stays.
    let cut = false;
    await page.route('**/api/v1/uploads?name=report.pdf', (route) => (cut ? route.continue() : ((cut = true), route.abort('connectionreset'))));
    await composer.getByTestId('attach-input').setInputFiles([{ name: 'report.pdf', mimeType: 'application/pdf', buffer: pdf() }]);
    const failed = items.filter({ hasText: 'report.pdf' });
    await expect.poll(() => failed.getAttribute('data-status'), { timeout: TIMEOUT }).toBe('failed');
    expect(await failed.getByRole('alert').textContent()).toMatch(/interrupted/);
    expect(await composer.getByRole('button', { name: 'Send internal note' }).isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/composer-failed-1280.png` });
    await failed.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => failed.getAttribute('data-status'), { timeout: TIMEOUT }).toBe('stored');
    expect(await composer.getByRole('textbox').inputValue()).toBe('Logs from the client attached.');

    await composer.getByRole('button', { name: 'Send internal note' }).click();
    const note = page.locator('.tl-comment.internal', { hasText: 'Logs from the client attached.' });
    await note.getByTestId('attachment-thumb').waitFor({ timeout: TIMEOUT });
    await note.getByTestId('attachment-pdf').waitFor();
    expect(await items.count()).toBe(0);
    const stored = await t.db.selectFrom('attachments').select(['name', 'timeline_entry_id']).where('request_id', '=', r.body.id).orderBy('name').execute();
    expect(stored.map((a) => a.name)).toEqual(['capture.png', 'report.pdf']);
    // The cancelled upload is on nothing: never attached to the note (above: only the two kept files are on the
    // request). Whether the server had all its bytes when the cancel came depends on the browser's buffers (under
    // DevTools throttling it often had); if it stored it, the composer deletes it on the answer, or the hourly pruner
    // removes it after the grace period (attaching.int.test.ts), so it is not asserted here.
    expect(await t.db.selectFrom('attachments').select('id').where('name', '=', 'unwanted.png').where('timeline_entry_id', 'is not', null).execute()).toEqual(
      [],
    );
    // The PDF preview: Chromium's PDF viewer opens in the frame despite the file's `CSP: default-src 'none'; sandbox`
    // (a blocked frame would show Chromium's error page instead of the viewer extension).
    await expect.poll(() => page.frames().some((f) => f.url().startsWith('chrome-extension://')), { timeout: TIMEOUT }).toBe(true);
    await note.getByTestId('attachment-pdf').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/timeline-pdf-1280.png` });

    // The requester never sees the internal note's files.
    const files = await t.api(riley, 'GET', `/api/v1/requests/${r.body.id}/timeline`);
    expect(JSON.stringify(files.body)).not.toContain('capture.png');
    await page.close();
  }, 90_000);

  it('on a phone: the composer with files and the timeline with thumbnails fit the screen', async () => {
    const r = await t.api(riley, 'POST', '/api/v1/requests', { title: 'Phone view' });
    const page = await stack.signIn(ada, { context: { viewport: PHONE, isMobile: true, hasTouch: true } });
    await page.goto(`${baseUrl}/requests/${r.body.id}`);
    const composer = page.getByRole('form', { name: 'Comment' });
    await composer.getByRole('textbox').fill('Here are the screenshots');
    const restore = await throttleUploads(page, 48 * 1024);
    await composer.getByTestId('attach-input').setInputFiles([
      {
        name: 'a-very-long-screenshot-name-from-the-phone-camera-2026-12-05.png',
        mimeType: 'image/png',
        buffer: png({ width: 200, height: 120, padTo: 300_000 }),
      },
      { name: 'second.png', mimeType: 'image/png', buffer: png({ width: 120, height: 200, rgb: [200, 80, 40] }) },
    ]);
    await expect.poll(() => composer.locator('progress').count()).toBeGreaterThan(0);
    await composer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/composer-uploading-390.png` });
    await restore();
    await expect.poll(() => composer.locator('[data-status="stored"]').count(), { timeout: TIMEOUT }).toBe(2);
    await composer.getByRole('button', { name: 'Send reply to Riley' }).click();
    const thumbs = page.getByTestId('attachment-thumb');
    await expect.poll(() => thumbs.count(), { timeout: TIMEOUT }).toBe(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await thumbs.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/timeline-thumbnails-390.png` });
    await thumbs.first().click();
    const viewer = page.getByTestId('image-viewer');
    await viewer.waitFor();
    const first = await viewer.getAttribute('aria-label');
    expect(first).toMatch(/^Image 1 of 2: /);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => viewer.getAttribute('aria-label')).toMatch(/^Image 2 of 2: /);
    expect(await viewer.getAttribute('aria-label')).not.toBe(first!.replace('Image 1', 'Image 2'));
    await page.screenshot({ path: `${SHOTS}/viewer-390.png` });
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    await page.close();
  });
});
