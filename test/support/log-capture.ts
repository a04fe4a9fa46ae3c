/**
 * The test run's log folder: every test app (and its worker) writes its log at trace level to a file there, and the
 * Kustomer API keys the apps were given are registered there too. When the run ends, global-setup.ts scans every
 * log line for every registered key (as is, JSON-escaped, base64, base64url, URL-encoded) and fails the run on a hit;
 * scripts/run-tests.js counts that failure in its "N passed, N failed" line.
 *
 * Layout of the run folder: logs/<pid>-<n>.log (one file per app), secrets/<pid>.txt (registered keys, one per line,
 * base64url-encoded so the registry itself never matches a scan), log-scan.json (the scan's result).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';

/** Shorter values are not secrets worth scanning for (and would match ordinary words). */
const MIN_SECRET_LENGTH = 8;

export interface LogScan {
  files: number;
  lines: number;
  secrets: number;
  leaks: { file: string; line: number; form: string; excerpt: string }[];
}

let runDir: string | null = null;

/** Set once per test file from the value global-setup.ts provides. */
export function useRunDir(dir: string) {
  runDir = dir;
}

let files = 0;
/** A pino destination writing synchronously to a new log file in the run folder (nothing is lost when a fork exits). */
export function logDestination(label: string): { stream: pino.DestinationStream; file: string } {
  if (!runDir) throw new Error('log-capture: no run folder (global-setup.ts provides it)');
  files += 1;
  const file = path.join(runDir, 'logs', `${label.replace(/[^a-z0-9-]+/gi, '-')}-${process.pid}-${files}-${randomBytes(3).toString('hex')}.log`);
  return { stream: pino.destination({ dest: file, sync: true, mkdir: true }), file };
}

const registered = new Set<string>();
/** Records a secret (a Kustomer API key) that must never appear in any log line of the run. */
export function registerSecret(value: string | undefined | null) {
  if (!runDir || typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || registered.has(value)) return;
  registered.add(value);
  fs.mkdirSync(path.join(runDir, 'secrets'), { recursive: true });
  fs.appendFileSync(path.join(runDir, 'secrets', `${process.pid}.txt`), `${Buffer.from(value).toString('base64url')}\n`);
}

/** The bearer key of an outgoing call, whatever form its headers take; undefined when there is none or it is unreadable. */
function bearerOf(input: RequestInfo | URL, init?: RequestInit): string | undefined {
  try {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    return /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1];
  } catch {
    return undefined;
  }
}

/** Wraps the fetch the app uses for Kustomer so every key it sends is registered, then calls through unchanged. */
export function registeringFetch(inner: typeof fetch | undefined): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) => {
    registerSecret(bearerOf(input, init));
    return (inner ?? fetch)(input, init);
  }) as typeof fetch;
}

/** Every form a secret could take in a log line or a JSON reply. */
export function secretForms(secret: string): { form: string; text: string }[] {
  const forms = [
    { form: 'plain', text: secret },
    { form: 'json-escaped', text: JSON.stringify(secret).slice(1, -1) },
    { form: 'base64', text: Buffer.from(secret).toString('base64') },
    { form: 'base64url', text: Buffer.from(secret).toString('base64url') },
    { form: 'url-encoded', text: encodeURIComponent(secret) },
    { form: 'basic-auth', text: Buffer.from(`${secret}:`).toString('base64') },
  ];
  const seen = new Set<string>();
  return forms.filter((f) => !seen.has(f.text) && seen.add(f.text));
}

/** Where in `text` any form of any secret occurs. */
export function findSecrets(text: string, secrets: Iterable<string>): { secret: string; form: string; text: string; index: number }[] {
  const hits: { secret: string; form: string; text: string; index: number }[] = [];
  for (const secret of secrets) {
    for (const f of secretForms(secret)) {
      const index = text.indexOf(f.text);
      if (index >= 0) hits.push({ secret, form: f.form, text: f.text, index });
    }
  }
  return hits;
}

export function readSecrets(dir: string): string[] {
  const secretsDir = path.join(dir, 'secrets');
  if (!fs.existsSync(secretsDir)) return [];
  const all = new Set<string>();
  for (const file of fs.readdirSync(secretsDir)) {
    for (const line of fs.readFileSync(path.join(secretsDir, file), 'utf8').split('\n')) if (line) all.add(Buffer.from(line, 'base64url').toString());
  }
  return [...all];
}

/** Scans every log line of the run for every registered secret. */
export function scanRunLogs(dir: string): LogScan {
  const secrets = readSecrets(dir);
  const logsDir = path.join(dir, 'logs');
  const scan: LogScan = { files: 0, lines: 0, secrets: secrets.length, leaks: [] };
  if (!fs.existsSync(logsDir)) return scan;
  for (const file of fs.readdirSync(logsDir).sort()) {
    scan.files += 1;
    const lines = fs.readFileSync(path.join(logsDir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line) return;
      scan.lines += 1;
      const seen = new Set<string>();
      for (const hit of findSecrets(line, secrets)) {
        if (seen.has(hit.secret)) continue; // one report per key per line, in the first form found
        seen.add(hit.secret);
        // The excerpt shows where, with the secret itself masked.
        const excerpt = line
          .slice(Math.max(0, hit.index - 80), hit.index + hit.text.length + 80)
          .split(hit.text)
          .join(`[KUSTOMER KEY, ${hit.form}]`);
        scan.leaks.push({ file: path.join(logsDir, file), line: i + 1, form: hit.form, excerpt });
      }
    });
  }
  return scan;
}
