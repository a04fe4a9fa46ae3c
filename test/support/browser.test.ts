import { expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';

it('names the README install command when Chromium is missing', async () => {
  await expect(launchBrowser('/nonexistent/chromium')).rejects.toThrow(
    'Chromium not found at /nonexistent/chromium. Install it as the README says: `apt-get install -y chromium`',
  );
});
