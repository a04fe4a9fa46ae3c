/**
 * The emulated bucket over HTTP (docs/kustomer.md §36, §37): the presigned POST that uploads an attachment's bytes,
 * and the presigned GET that downloads them. S3's own rules and replies, as AWS documents them
 * (docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html, sigv4-HTTPPOSTConstructPolicy.html, ErrorResponses):
 * multipart/form-data only (412 otherwise); the file is the last field and fields after it are ignored; every field
 * but the file, Policy and X-Amz-Signature must be named by a policy condition; an expired policy or a failed
 * condition is 403 AccessDenied; a size outside content-length-range is 400 EntityTooLarge / EntityTooSmall; success
 * is 204 with no body. Errors are S3's XML. Calls are logged and take faults like API calls (`pathPrefix: '/s3/'`), but
 * never count against Kustomer's rate limits: the bucket is not Kustomer's API.
 */
import type { AttachmentBucket, Policy } from './attachment-bucket.ts';
import { BUCKET_PATH } from './attachment-bucket.ts';
import type { CallLog } from './call-log.ts';
import type { FaultInjector } from './faults.ts';
import { LostReplyError } from './lost-reply-error.ts';
import type { EmulatorStore } from './store.ts';

export interface BucketDeps {
  store: EmulatorStore;
  bucket: AttachmentBucket;
  now: () => Date;
  faults: FaultInjector;
  calls: CallLog;
}

const xmlEscape = (s: string) => s.replace(/[<>&"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

function s3Error(status: number, code: string, message: string): Response {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>EMULATOR</RequestId></Error>`;
  return new Response(body, { status, headers: { 'content-type': 'application/xml' } });
}

const denied = (why: string) => s3Error(403, 'AccessDenied', `Invalid according to Policy: ${why}`);

function checkConditions(policy: Policy, fields: Map<string, string>, size: number): Response | null {
  const value = (name: string) => fields.get(name.toLowerCase().replace(/^\$/, ''));
  const covered = new Set<string>();
  let range: [number, number] | null = null;
  for (const c of policy.conditions) {
    if (Array.isArray(c)) {
      const [op, a, b] = c;
      if (op === 'content-length-range') {
        range = [Number(a), Number(b)];
        continue;
      }
      const name = String(a).replace(/^\$/, '').toLowerCase();
      covered.add(name);
      const got = value(name) ?? '';
      if ((op === 'eq' && got !== String(b)) || (op === 'starts-with' && !got.startsWith(String(b)))) {
        return denied(`Policy Condition failed: ["${op}", "$${name}", "${String(b)}"]`);
      }
    } else {
      for (const [name, want] of Object.entries(c)) {
        covered.add(name.toLowerCase());
        if (value(name) !== want) return denied(`Policy Condition failed: ["eq", "$${name}", "${want}"]`);
      }
    }
  }
  const extra = [...fields.keys()].filter((k) => !covered.has(k) && k !== 'policy' && k !== 'x-amz-signature' && !k.startsWith('x-ignore-'));
  if (extra.length) return denied(`Extra input fields: ${extra.join(', ')}`);
  if (range && size > range[1]) return s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  if (range && size < range[0]) return s3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
  return null;
}

async function upload(req: Request, deps: BucketDeps): Promise<Response> {
  if (!/^multipart\/form-data/i.test(req.headers.get('content-type') ?? '')) {
    return s3Error(412, 'PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data');
  }
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    return s3Error(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
  }
  // Field names are case-insensitive; what follows the file is ignored (S3).
  const fields = new Map<string, string>();
  let file: File | null = null;
  for (const [name, v] of form.entries()) {
    if (name === 'file' && typeof v !== 'string') {
      file = v;
      break;
    }
    if (typeof v === 'string') fields.set(name.toLowerCase(), v);
  }
  const policy = deps.bucket.readPolicy(fields.get('policy'), fields.get('x-amz-signature'));
  if (!policy) return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  if (Date.parse(policy.expiration) < deps.now().getTime()) return denied('Policy expired.');
  if (!file) return s3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
  const bytes = Buffer.from(await file.arrayBuffer());
  const refused = checkConditions(policy, fields, bytes.length);
  if (refused) return refused;
  const id = fields.get('x-amz-meta-attachment-id');
  const record = id ? deps.store.attachments.get(id) : undefined;
  if (record && record.key === fields.get('key')) Object.assign(record, { bytes, uploaded: true, updatedAt: deps.now().toISOString() });
  return new Response(null, { status: 204 });
}

function download(url: URL, deps: BucketDeps): Response {
  const key = decodeURIComponent(url.pathname.slice(BUCKET_PATH.length + 1));
  const verdict = deps.bucket.checkDownload(key, url.searchParams, deps.now());
  if (verdict === 'forged') return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  if (verdict === 'expired') return s3Error(403, 'AccessDenied', 'Request has expired');
  const record = [...deps.store.attachments.values()].find((a) => a.key === key);
  if (!record?.bytes) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
  return new Response(new Uint8Array(record.bytes), {
    status: 200,
    headers: { 'content-type': record.contentType, 'content-length': String(record.bytes.length) },
  });
}

export async function handleBucketCall(req: Request, deps: BucketDeps): Promise<Response> {
  const url = new URL(req.url);
  const call = deps.calls.start({ at: deps.now().toISOString(), method: req.method, path: url.pathname, query: {}, body: null });
  const fault = deps.faults.take(req.method, url.pathname);
  call.fault = fault?.kind ?? null;
  let res: Response;
  if (fault && (fault.kind === '429' || fault.kind === '500' || fault.kind === '503')) {
    res =
      fault.kind === '500'
        ? s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.')
        : s3Error(503, 'SlowDown', 'Please reduce your request rate.');
  } else if (req.method === 'POST' && url.pathname === BUCKET_PATH) {
    res = await upload(req, deps);
  } else if ((req.method === 'GET' || req.method === 'HEAD') && url.pathname.startsWith(`${BUCKET_PATH}/`)) {
    res = download(url, deps);
  } else {
    res = s3Error(
      url.pathname.startsWith(BUCKET_PATH) ? 405 : 404,
      url.pathname.startsWith(BUCKET_PATH) ? 'MethodNotAllowed' : 'NoSuchBucket',
      'Not served here',
    );
  }
  call.handledStatus = res.status;
  if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 30_000));
  if (fault?.kind === 'lost_reply') {
    await res.arrayBuffer();
    call.status = fault.reply === 'close' ? 0 : 502;
    if (fault.reply === 'close') throw new LostReplyError();
    return new Response(null, { status: 502 });
  }
  call.status = res.status;
  return res;
}
