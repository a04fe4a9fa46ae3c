/**
 * The emulator's stand-in for the S3 bucket behind Kustomer's attachments (docs/kustomer.md §36): it signs the
 * presigned POST form POST /v1/attachments hands out, checks it when the bytes arrive, and signs expiring download
 * URLs. The form is shaped as in a real reply (Stack Overflow 61813032, 2020: fields key, acl "private",
 * Content-Type, X-Amz-Meta-Attachment-Id, bucket, X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, Policy,
 * X-Amz-Signature; the decoded Policy expires 30 minutes after X-Amz-Date and pins content-length-range to exactly
 * the declared length). Signatures are an HMAC with a secret of this emulator, not AWS SigV4: only this bucket
 * checks them.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AttachmentRecord } from './records.ts';

export const BUCKET = 'kustomer-emulator-attachments';
/** Served by the emulator itself (real Kustomer points at s3.amazonaws.com/<bucket>; another host). */
export const BUCKET_PATH = `/s3/${BUCKET}`;
/** Recorded: the policy of a real reply expires 30 minutes after it was signed. */
export const POLICY_TTL_MS = 30 * 60_000;
/** How long a download URL works (assumed: the record's `links.related` is a presigned GET of a private object). */
export const DOWNLOAD_TTL_MS = 15 * 60_000;

export type PolicyCondition = Record<string, string> | [string, string | number, string | number];
export interface Policy {
  expiration: string;
  conditions: PolicyCondition[];
}

const amzDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

export class AttachmentBucket {
  private readonly secret = randomBytes(32);

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('hex');
  }

  private signed(text: string, signature: string | undefined | null): boolean {
    const want = Buffer.from(this.sign(text), 'hex');
    const got = Buffer.from(signature ?? '', 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
  }

  /** The presigned POST form for a record: its url and every field, Policy and signature included. */
  uploadForm(origin: string, a: AttachmentRecord, now: Date): { url: string; fields: Record<string, string> } {
    const date = amzDate(now);
    const base: Record<string, string> = {
      key: a.key,
      acl: 'private',
      'Content-Type': a.contentType,
      'X-Amz-Meta-Attachment-Id': a.id,
      bucket: BUCKET,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `EMULATOR/${date.slice(0, 8)}/us-east-1/s3/aws4_request`,
      'X-Amz-Date': date,
    };
    const policy: Policy = {
      expiration: new Date(now.getTime() + POLICY_TTL_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      conditions: [['content-length-range', a.contentLength, a.contentLength], ...Object.entries(base).map(([k, v]) => ({ [k]: v }))],
    };
    const Policy = Buffer.from(JSON.stringify(policy)).toString('base64');
    return { url: `${origin}${BUCKET_PATH}`, fields: { ...base, Policy, 'X-Amz-Signature': this.sign(Policy) } };
  }

  /** The policy of a submitted form, when its signature is ours; null otherwise. */
  readPolicy(policy: string | undefined, signature: string | undefined): Policy | null {
    if (!policy || !this.signed(policy, signature)) return null;
    try {
      return JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as Policy;
    } catch {
      return null;
    }
  }

  /** A presigned GET of the object, valid DOWNLOAD_TTL_MS. */
  downloadUrl(origin: string, a: AttachmentRecord, now: Date): string {
    const date = amzDate(now);
    const expires = String(DOWNLOAD_TTL_MS / 1000);
    const q = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': date,
      'X-Amz-Expires': expires,
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': this.sign(`${a.key}\n${date}\n${expires}`),
    });
    return `${origin}${BUCKET_PATH}/${a.key.split('/').map(encodeURIComponent).join('/')}?${q}`;
  }

  /** Checks a presigned GET: 'ok', 'expired' or 'forged'. */
  checkDownload(key: string, q: URLSearchParams, now: Date): 'ok' | 'expired' | 'forged' {
    const date = q.get('X-Amz-Date') ?? '';
    const expires = q.get('X-Amz-Expires') ?? '';
    if (!this.signed(`${key}\n${date}\n${expires}`, q.get('X-Amz-Signature'))) return 'forged';
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    if (!m) return 'forged';
    const signedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    return now.getTime() > signedAt + Number(expires) * 1000 ? 'expired' : 'ok';
  }
}
