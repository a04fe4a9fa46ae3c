import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('destination configuration', () => {
  it("reads each destination's transport from variables named for its id, KUSTOMER_* as before", () => {
    const c = loadConfig({
      KUSTOMER_BASE_URL: 'http://emulator.test:4010/',
      KUSTOMER_WEB_URL: 'http://emulator.test:4010',
      KUSTOMER_TIMEOUT_MS: '5000',
      KUSTOMER_RATE_WINDOW_MS: '2000',
      TEST_DESK_TIMEOUT_MS: '1234',
    });
    expect(c.destinations.kustomer).toEqual({ baseUrl: 'http://emulator.test:4010', webUrl: 'http://emulator.test:4010', timeoutMs: 5000, rateWindowMs: 2000 });
    expect(c.destinations['test-desk']).toEqual({ baseUrl: null, webUrl: null, timeoutMs: 1234, rateWindowMs: 60_000 });
  });

  it('names the variable of a bad destination setting, with the other problems', () => {
    const err = (() => {
      try {
        loadConfig({ KUSTOMER_TIMEOUT_MS: 'soon', PORT: 'x' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems).toEqual([expect.stringMatching(/^PORT: /), expect.stringMatching(/^KUSTOMER_TIMEOUT_MS: /)]);
  });

  it('offers test destinations only when BRIDGEDESK_TEST_DESTINATIONS is on', () => {
    expect(loadConfig({}).testDestinations).toBe(false);
    expect(loadConfig({ BRIDGEDESK_TEST_DESTINATIONS: '1' }).testDestinations).toBe(true);
  });
});

describe('attachment configuration', () => {
  it('defaults to Postgres storage, 25 MB per file, 10 per comment, 250 MB per request and a day of grace', () => {
    expect(loadConfig({}).attachments).toEqual({
      storage: 'postgres',
      maxBytes: 25 * 1024 * 1024,
      perComment: 10,
      maxRequestBytes: 250 * 1024 * 1024,
      unattachedGraceMs: 24 * 3600_000,
      s3: null,
    });
  });

  it('reads the bucket, and refuses S3 storage without a bucket or with half a key pair', () => {
    const c = loadConfig({
      ATTACHMENTS_STORAGE: 's3',
      S3_BUCKET: 'files',
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(c.attachments.s3).toEqual({
      endpoint: 'http://minio:9000',
      bucket: 'files',
      region: 'us-east-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      forcePathStyle: true,
      prefix: 'attachments/',
    });
    expect(() => loadConfig({ ATTACHMENTS_STORAGE: 's3' })).toThrow('S3_BUCKET: required when ATTACHMENTS_STORAGE is s3');
    expect(() => loadConfig({ S3_BUCKET: 'files', S3_ACCESS_KEY_ID: 'id' })).toThrow('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
  });
});
