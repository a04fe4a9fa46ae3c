/** Random identifiers for sessions, CSRF and API tokens, and the one-way hash we store instead of them. */
import { createHash, randomBytes } from 'node:crypto';

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** API tokens carry a prefix so leaked ones are recognisable by secret scanners and in logs. */
export const API_TOKEN_PREFIX = 'bdk_';
