import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

it('redacts the S3 secret key wherever the configuration is logged', () => {
  const lines: string[] = [];
  const log = createLogger('info', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }) as never);
  const config = loadConfig({ S3_BUCKET: 'files', S3_ACCESS_KEY_ID: 'AKIAEXAMPLE', S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-very-secret' });
  log.info({ config }, 'starting');
  log.info({ credentials: config.attachments.s3!.credentials }, 'bucket');
  expect(lines.join('')).not.toContain('wJalrXUtnFEMI-very-secret');
  expect(lines.join('')).toContain('files');
});
