/**
 * Moving attachment bytes to and from the URLs Kustomer presigns (docs/kustomer.md §36): a multipart/form-data POST
 * of the upload form's fields and then the file (the order the docs require: "the file should be included as the last
 * key under the name file"), and a GET of a record's download URL. Both stream: a file is never whole in memory.
 *
 * These URLs are S3's, not Kustomer's API: no API key goes with them (the form and the URL carry their own
 * signature), they take no unit of Kustomer's rate budget, and their errors are S3's (XML `<Code>`, `<Message>`). A
 * 403 there is a refused form (expired policy, failed condition), never our key: it must not mark the connection.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConnectorError } from '../kit/errors.ts';
import { headersOf } from '../kit/node-fetch.ts';

export interface TransferOptions {
  /** Injected transport (tests: the in-process emulator); else node:http(s). */
  fetch?: typeof fetch;
  /** Until the reply's headers arrive. (Default: 120 s: an upload's whole body goes before its reply.) */
  timeoutMs?: number;
  /** Plain http allowed (the emulator); real presigned URLs are https. */
  allowHttp: boolean;
}

export interface FileBody {
  name: string;
  contentType: string;
  size: number;
  open(): Promise<ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>>;
}

const DEFAULT_TIMEOUT_MS = 120_000;

function checkedUrl(raw: string, opts: TransferOptions): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectorError('permanent', `Kustomer gave an invalid file URL`);
  }
  if (url.protocol !== 'https:' && !(opts.allowHttp && url.protocol === 'http:')) {
    throw new ConnectorError('permanent', `Kustomer gave a file URL that is not https (${url.protocol})`);
  }
  return url;
}

const asIterable = (s: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> =>
  Symbol.asyncIterator in s ? (s as AsyncIterable<Uint8Array>) : Readable.fromWeb(s as import('node:stream/web').ReadableStream<Uint8Array>);

// Quotes and line breaks would end a part's header early: a field or file name never carries them.
const headerSafe = (s: string) => s.replace(/[\r\n"\\]/g, '_');

/** The body, streamed, and its exact length (S3 needs Content-Length on a POST). */
function multipart(fields: Record<string, string>, file: FileBody): { boundary: string; length: number; body: () => AsyncIterable<Uint8Array> } {
  const boundary = `----bridgedesk${crypto.randomUUID().replace(/-/g, '')}`;
  const head = Buffer.from(
    Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${headerSafe(k)}"\r\n\r\n${v}\r\n`)
      .join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${headerSafe(file.name.replace(/[^\x20-\x7e]/g, '_'))}"\r\n` +
      `Content-Type: ${headerSafe(file.contentType)}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body() {
    yield head;
    let sent = 0;
    for await (const chunk of asIterable(await file.open())) {
      sent += chunk.byteLength;
      if (sent > file.size) break;
      yield chunk;
    }
    // A short or long stream would send a malformed form (or another file's size): fail the upload instead.
    if (sent !== file.size)
      throw new ConnectorError('permanent', `${file.name}: storage gave ${sent > file.size ? 'more' : sent} bytes where ${file.size} were expected`);
    yield tail;
  }
  return { boundary, length: head.length + file.size + tail.length, body };
}

/** S3's error words, for the timeline. */
function s3Words(status: number, text: string): { code?: string; message: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  return { code, message: [code, message].filter(Boolean).join(': ') || `HTTP ${status}` };
}

function refusal(what: string, status: number, text: string): ConnectorError {
  const { code, message } = s3Words(status, text);
  const detail = { status, vendorCode: code, vendorMessage: message, reason: 'http' as const };
  // An expired form is not the file's fault: a retry reads the record again and gets a fresh one.
  if (status >= 500 || status === 429 || status === 408 || /expired/i.test(message)) {
    return new ConnectorError('retryable', `Kustomer's file storage could not take ${what} now (${message})`, { ...detail, reason: 'server_error' });
  }
  return new ConnectorError('permanent', `Kustomer's file storage refused ${what}: ${message}`, detail);
}

function networkFailure(err: unknown, what: string, timeoutMs: number): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as Error;
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return new ConnectorError('retryable', `No reply for ${what} within ${timeoutMs} ms`, { reason: 'timeout' });
  return new ConnectorError('retryable', `Could not reach Kustomer's file storage for ${what}: ${(e.cause as Error | undefined)?.message ?? e.message}`, {
    reason: 'network',
  });
}

interface Reply {
  status: number;
  headers: Headers;
  body: Readable;
}

/** One request over node:http(s); resolves on the reply's headers. */
function nodeRequest(
  url: URL,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: AsyncIterable<Uint8Array> | null,
  timeoutMs: number,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), timeoutMs);
    const req = (url.protocol === 'https:' ? https : http).request(url, { method, headers }, (res) => {
      clearTimeout(timer);
      resolve({ status: res.statusCode ?? 0, headers: headersOf(res.headers), body: res });
    });
    req.on('error', (err) => (clearTimeout(timer), reject(err)));
    if (body) pipeline(Readable.from(body), req).catch((err) => (clearTimeout(timer), req.destroy(err), reject(err)));
    else req.end();
  });
}

/** One request to a presigned URL, up to its reply's headers; not getting them fails as a ConnectorError naming `what`. */
async function send(
  rawUrl: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: AsyncIterable<Uint8Array> | null,
  what: string,
  opts: TransferOptions,
): Promise<Reply> {
  const url = checkedUrl(rawUrl, opts);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    if (!opts.fetch) return await nodeRequest(url, method, headers, body, timeoutMs);
    const init: RequestInit & { duplex?: 'half' } = { method, headers, signal: AbortSignal.timeout(timeoutMs) };
    if (body) Object.assign(init, { body: Readable.toWeb(Readable.from(body)), duplex: 'half' });
    const res = await opts.fetch(url, init);
    return {
      status: res.status,
      headers: res.headers,
      body: res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]),
    };
  } catch (err) {
    throw networkFailure(err, what, timeoutMs);
  }
}

async function text(body: Readable, limit = 16_384): Promise<string> {
  let out = '';
  for await (const chunk of body) {
    if (out.length < limit) out += Buffer.from(chunk as Uint8Array).toString('utf8');
  }
  return out.slice(0, limit);
}

/** Uploads a file with a presigned POST form; resolves once storage answered 2xx. */
export async function postForm(form: { url: string; fields: Record<string, string> }, file: FileBody, opts: TransferOptions): Promise<void> {
  const { boundary, length, body } = multipart(form.fields, file);
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) };
  const reply = await send(form.url, 'POST', headers, body(), `the upload of ${file.name}`, opts);
  const answer = await text(reply.body);
  if (reply.status < 200 || reply.status >= 300) throw refusal(file.name, reply.status, answer);
}

/** Streams a presigned GET; more than `maxBytes` (announced or streamed) fails the stream, permanently. */
export async function getObject(
  rawUrl: string,
  what: string,
  opts: TransferOptions & { maxBytes?: number },
): Promise<{ stream: ReadableStream<Uint8Array>; size: number | null; contentType: string | null }> {
  const reply = await send(rawUrl, 'GET', {}, null, `the download of ${what}`, opts);
  if (reply.status !== 200) throw refusal(what, reply.status, await text(reply.body));
  const announced = reply.headers.has('content-length') ? Number(reply.headers.get('content-length')) : null;
  const max = opts.maxBytes ?? Infinity;
  const tooLarge = () => new ConnectorError('permanent', `${what} is larger than ${max} bytes`, { reason: 'http' });
  if (announced !== null && announced > max) {
    reply.body.destroy();
    throw tooLarge();
  }
  let seen = 0;
  const counted = Readable.toWeb(reply.body) as unknown as ReadableStream<Uint8Array>;
  const stream = counted.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        seen += chunk.byteLength;
        if (seen > max) ctl.error(tooLarge());
        else ctl.enqueue(chunk);
      },
    }),
  );
  return { stream, size: announced, contentType: reply.headers.get('content-type') };
}
