import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, SecretKeyMismatch } from './secret-box.ts';

describe('the secret box', () => {
  const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];

  it('opens what an older key sealed while it is listed as previous, and seals only with the current key', () => {
    const sealedBefore = createSecretBox(oldKey).seal('the-api-key');
    const rotating = createSecretBox(newKey, [oldKey]);
    expect(rotating.open(sealedBefore)).toBe('the-api-key');
    const sealedNow = rotating.seal('the-api-key');
    expect(createSecretBox(newKey).open(sealedNow)).toBe('the-api-key');
    expect(() => createSecretBox(oldKey).open(sealedNow)).toThrow(SecretKeyMismatch);
  });

  it('refuses a secret no given key sealed, saying which settings to check, without its content', () => {
    const sealed = createSecretBox(oldKey).seal('the-api-key');
    expect(() => createSecretBox(newKey).open(sealed)).toThrow(/neither BRIDGEDESK_SECRET_KEY nor one of BRIDGEDESK_PREVIOUS_SECRET_KEYS/);
  });
});
