import { expect, it } from 'vitest';
import { startBrowserStack } from './browser-stack.ts';
import { waitFor } from './test-app.ts';

// Servers of this process (the emulator, the SMTP inbox, the app's HTTP server); each test file has a process of its
// own. A closed server's handle leaves the list a moment after its close callback, hence the wait.
const listening = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;

it('stops the emulator, SMTP inbox, worker, server and database it started when a later part (Chromium) cannot start', async () => {
  const before = listening();
  const start = startBrowserStack({ kustomer: true, smtp: true, worker: true, timeout: 1_000, chromium: '/nonexistent/chromium' });
  await expect(start).rejects.toThrow('Chromium not found at /nonexistent/chromium');
  await waitFor(async () => listening() === before, 5_000);
});
