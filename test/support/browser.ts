/** Debian's Chromium for the browser journeys, and the built web UI they need; each missing piece says how to get it. */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const WEB_INDEX = path.resolve(import.meta.dirname, '../../dist/web/index.html');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(executablePath = CHROMIUM): Promise<Browser> {
  if (!fs.existsSync(WEB_INDEX)) throw new Error('dist/web is not built: run `npm run build:web` first (npm test does it).');
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. Install it as the README says: \`apt-get install -y chromium\` (Debian/Ubuntu; as root, or with sudo).`,
    );
  }
  return chromium.launch({ executablePath, args: ARGS });
}
