/** Encrypts secrets at rest (AES-256-GCM). The key comes from BRIDGEDESK_SECRET_KEY or a key file in the data folder. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

/**
 * Seals with `key`; opens with `key` or any of `previous`, so a key can be rotated without a moment where stored
 * secrets cannot be read (GCM's tag makes a wrong key fail rather than return garbage).
 */
export function createSecretBox(key: Buffer, previous: Buffer[] = []): SecretBox {
  for (const k of [key, ...previous]) if (k.length !== 32) throw new Error('The secret key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || !data) throw new Error('Unknown secret format');
      for (const k of [key, ...previous]) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64'));
          decipher.setAuthTag(Buffer.from(tag, 'base64'));
          return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
        } catch {
          // not sealed with this key: try the next
        }
      }
      throw new SecretKeyMismatch();
    },
  };
}

export class SecretKeyMismatch extends Error {
  constructor() {
    super('A stored secret was sealed with a key that is neither BRIDGEDESK_SECRET_KEY nor one of BRIDGEDESK_PREVIOUS_SECRET_KEYS');
  }
}

/** The configured key, or the data folder's key file (created on first use, readable by the owner only). */
export function loadSecretKey(configured: string | null, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const file = path.join(dataDir, 'secret.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process wrote it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
}

/** Loads the key on first use, so processes and tests that never touch a secret never need one. */
export function lazySecretBox(loadKey: () => Buffer, previous: string[] = []): SecretBox {
  let box: SecretBox | null = null;
  const get = () =>
    (box ??= createSecretBox(
      loadKey(),
      previous.map((k) => Buffer.from(k, 'base64')),
    ));
  return { seal: (plain) => get().seal(plain), open: (sealed) => get().open(sealed) };
}
