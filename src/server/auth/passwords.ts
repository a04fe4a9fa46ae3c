/** Passwords are hashed with argon2id (memory-hard). */
import { hash, verify } from '@node-rs/argon2';

export const PASSWORD_MIN = 10;
export const hashPassword = (password: string): Promise<string> => hash(password);

// Verifying against this when the user does not exist keeps the reply time the same, so timing does not reveal accounts.
let dummyHash: Promise<string> | null = null;
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash('not-a-real-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
