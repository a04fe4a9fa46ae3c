/**
 * A local S3-compatible server (s3rver) for tests of the S3 attachment storage: on a random port of 127.0.0.1, its
 * objects in a temp folder, one bucket; stopped and removed after the file. `objectKeys` lists the bucket through
 * the real S3 API, so a test can check that nothing was left behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll } from 'vitest';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
// s3rver is CommonJS without types.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

export const TEST_BUCKET = 'bridgedesk-test';
// s3rver's fixed credentials.
const KEY = 'S3RVER';

export interface TestS3 {
  /** Bridgedesk's environment for this server (ATTACHMENTS_STORAGE=s3 and the S3_* variables). */
  env: Record<string, string>;
  objectKeys(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startS3Server(): Promise<TestS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: TEST_BUCKET }] });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: KEY, secretAccessKey: KEY } });
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    })());
  afterAll(stop);
  return {
    env: {
      ATTACHMENTS_STORAGE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: TEST_BUCKET,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: KEY,
      S3_SECRET_ACCESS_KEY: KEY,
      S3_FORCE_PATH_STYLE: 'true',
    },
    async objectKeys() {
      const res = await client.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET }));
      return (res.Contents ?? []).map((o) => o.Key!);
    },
    stop,
  };
}
