/**
 * Makes API key strings that look like Kustomer's: a JWT (docs/kustomer.md §3, "eyJhbGciOi..."). Claim names follow the 2017 key
 * seen in public code (id, user, org, userType, roles, aud, iss, sub). `orgName` is left out on purpose: whether
 * current keys carry it is unknown, so the client must not read the org from the key.
 * The emulator never verifies the signature; it looks the whole string up, which also makes revocation exact.
 */
import { createHmac, randomBytes } from 'node:crypto';

const SIGNING_SECRET = randomBytes(32);

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function mintApiKeyToken(claims: { id: string; userId: string; orgId: string; roles: string[]; issuedAt: Date; expiresAt: Date | null }): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({
      id: claims.id,
      user: claims.userId,
      org: claims.orgId,
      userType: 'machine',
      roles: claims.roles,
      aud: 'kustomer',
      iss: 'kustomer',
      sub: claims.userId,
      iat: Math.floor(claims.issuedAt.getTime() / 1000),
      ...(claims.expiresAt ? { exp: Math.floor(claims.expiresAt.getTime() / 1000) } : {}),
    }),
  );
  const signature = createHmac('sha256', SIGNING_SECRET).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
