/** Every environment variable Bridgedesk reads, parsed once at start. Nothing else reads process.env. */
import path from 'node:path';
import { z } from 'zod';
import { PROVIDER_IDS, type ProviderId } from './connectors/registry.ts';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  BRIDGEDESK_DATA_DIR: z.string().min(1).default('.bridgedesk'),
  BRIDGEDESK_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  BRIDGEDESK_ADMIN_EMAIL: z.email().optional(),
  BRIDGEDESK_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  BRIDGEDESK_ADMIN_NAME: z.string().min(1).default('Administrator'),
  BRIDGEDESK_SECRET_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{43,}$/, 'must be 32 random bytes, base64 encoded (openssl rand -base64 32)')
    .optional(),
  /** Keys secrets may still be sealed with while `bridgedesk rotate-secrets` moves them to BRIDGEDESK_SECRET_KEY. */
  BRIDGEDESK_PREVIOUS_SECRET_KEYS: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{43,}(,[A-Za-z0-9+/=_-]{43,})*$/, 'must be comma-separated keys, each 32 random bytes, base64 encoded')
    .optional(),
  BRIDGEDESK_SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .default(24 * 14),
  BRIDGEDESK_COOKIE_SECURE: bool.optional(),
  BRIDGEDESK_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  BRIDGEDESK_LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  BRIDGEDESK_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  BRIDGEDESK_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  BRIDGEDESK_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(10),
  BRIDGEDESK_WORKER_STALE_SECONDS: z.coerce.number().positive().default(45),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  BRIDGEDESK_TEST_DESTINATIONS: bool.default(false),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  SMTP_FROM: z.string().min(3).default('Bridgedesk <bridgedesk@localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ATTACHMENTS_STORAGE: z.enum(['postgres', 's3']).default('postgres'),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
  ATTACHMENTS_PER_COMMENT: z.coerce.number().int().positive().max(100).default(10),
  ATTACHMENTS_MAX_REQUEST_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(250 * 1024 * 1024),
  ATTACHMENTS_UNATTACHED_GRACE_HOURS: z.coerce.number().positive().default(24),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "letters, digits and !_.*'()/- only")
    .default('attachments/'),
});

/**
 * How the server reaches a destination, from `<ID>_BASE_URL`, `_WEB_URL`, `_TIMEOUT_MS`, `_RATE_WINDOW_MS` with the
 * provider id upper-cased (KUSTOMER_BASE_URL, ...): hosts of an emulator or a regional deployment, never user input.
 */
const Transport = z
  .object({
    BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    WEB_URL: z.url({ protocol: /^https?$/ }).optional(),
    TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
    // The window a rate limit counts over when a reply does not name its reset (Kustomer's is a minute).
    RATE_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  })
  .transform((t) => ({ baseUrl: t.BASE_URL?.replace(/\/+$/, '') ?? null, webUrl: t.WEB_URL ?? null, timeoutMs: t.TIMEOUT_MS, rateWindowMs: t.RATE_WINDOW_MS }));
export type TransportConfig = z.output<typeof Transport>;
const envPrefix = (id: string) => `${id.toUpperCase().replaceAll('-', '_')}_`;
const transportSchema = z.object(Object.fromEntries(PROVIDER_IDS.map((id) => [envPrefix(id), Transport])));

export interface Config {
  port: number;
  host: string;
  /** null: start the embedded Postgres in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  publicUrl: string;
  admin: { email: string; password: string; name: string } | null;
  /** 32-byte key for secrets at rest; null: a key file in the data folder is used. */
  secretKey: string | null;
  /** Older keys that can still open (never seal) secrets, during a rotation. */
  previousSecretKeys: string[];
  sessionTtlMs: number;
  cookieSecure: boolean;
  login: { maxFailures: number; windowMs: number };
  /** Reverse proxies in front of the server whose X-Forwarded-For entries are believed (0: none). */
  trustedProxyHops: number;
  maxBodyBytes: number;
  embeddedPgPort: number;
  workerConcurrency: number;
  /** A worker whose heartbeat is older than this is taken for dead and its jobs are released. */
  workerStaleAfterMs: number;
  poolSize: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** null: emails stay in the outbox for admins to read. */
  smtp: { url: string; from: string } | null;
  /** Each destination's hosts and timings (see transportVars). */
  destinations: Record<ProviderId, TransportConfig>;
  /** Whether destinations made for Bridgedesk's own tests are offered (connectors/registry.ts offeredProviders). */
  testDestinations: boolean;
  attachments: AttachmentsConfig;
}

export interface AttachmentsConfig {
  /** Where new files go; files already stored stay readable where they are (each remembers its storage). */
  storage: 'postgres' | 's3';
  maxBytes: number;
  perComment: number;
  /** The most one request's files may total, and the most one person's unsent uploads may hold. */
  maxRequestBytes: number;
  /** Unattached uploads older than this are deleted (the prune-attachments job). */
  unattachedGraceMs: number;
  /** null: no bucket configured (then storage is 'postgres'). */
  s3: S3Config | null;
}

export interface S3Config {
  /** null: AWS's own endpoint for the region. */
  endpoint: string | null;
  bucket: string;
  region: string;
  /** null: the AWS SDK's default credential chain (environment, instance role, ...). */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
  forcePathStyle: boolean;
  /** Prepended to every object key. */
  prefix: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Parses the environment; throws one ConfigError listing every problem. `defaults` fill what the environment
 * leaves unset (the demo uses it to point at its emulator).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, defaults: Record<string, string> = {}): Config {
  const cleaned = { ...defaults, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) };
  const parsed = schema.safeParse(cleaned);
  const byPrefix = (prefix: string) =>
    Object.fromEntries(Object.entries(cleaned).flatMap(([k, v]) => (k.startsWith(prefix) ? [[k.slice(prefix.length), v]] : [])));
  const transports = transportSchema.safeParse(Object.fromEntries(PROVIDER_IDS.map((id) => [envPrefix(id), byPrefix(envPrefix(id))])));
  if (!parsed.success || !transports.success) {
    throw new ConfigError([
      ...(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []),
      ...(transports.error?.issues.map((i) => `${i.path.join('')}: ${i.message}`) ?? []),
    ]);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.BRIDGEDESK_ADMIN_EMAIL && !e.BRIDGEDESK_ADMIN_PASSWORD) problems.push('BRIDGEDESK_ADMIN_PASSWORD: required when BRIDGEDESK_ADMIN_EMAIL is set');
  if (!e.BRIDGEDESK_ADMIN_EMAIL && e.BRIDGEDESK_ADMIN_PASSWORD) problems.push('BRIDGEDESK_ADMIN_EMAIL: required when BRIDGEDESK_ADMIN_PASSWORD is set');
  if (e.ATTACHMENTS_STORAGE === 's3' && !e.S3_BUCKET) problems.push('S3_BUCKET: required when ATTACHMENTS_STORAGE is s3');
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
  if (problems.length) throw new ConfigError(problems);
  const publicUrl = (e.BRIDGEDESK_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: path.resolve(e.BRIDGEDESK_DATA_DIR),
    publicUrl,
    admin:
      e.BRIDGEDESK_ADMIN_EMAIL && e.BRIDGEDESK_ADMIN_PASSWORD
        ? { email: e.BRIDGEDESK_ADMIN_EMAIL, password: e.BRIDGEDESK_ADMIN_PASSWORD, name: e.BRIDGEDESK_ADMIN_NAME }
        : null,
    secretKey: e.BRIDGEDESK_SECRET_KEY ?? null,
    previousSecretKeys: e.BRIDGEDESK_PREVIOUS_SECRET_KEYS?.split(',') ?? [],
    sessionTtlMs: e.BRIDGEDESK_SESSION_TTL_HOURS * 3600_000,
    cookieSecure: e.BRIDGEDESK_COOKIE_SECURE ?? publicUrl.startsWith('https://'),
    login: { maxFailures: e.BRIDGEDESK_LOGIN_MAX_FAILURES, windowMs: e.BRIDGEDESK_LOGIN_WINDOW_MINUTES * 60_000 },
    trustedProxyHops: e.BRIDGEDESK_TRUSTED_PROXY_HOPS,
    maxBodyBytes: e.BRIDGEDESK_MAX_BODY_BYTES,
    embeddedPgPort: e.BRIDGEDESK_PG_PORT,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerStaleAfterMs: e.BRIDGEDESK_WORKER_STALE_SECONDS * 1000,
    poolSize: e.DATABASE_POOL_SIZE,
    logLevel: e.LOG_LEVEL,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM } : null,
    destinations: Object.fromEntries(PROVIDER_IDS.map((id) => [id, transports.data[envPrefix(id)]!])) as Record<ProviderId, TransportConfig>,
    testDestinations: e.BRIDGEDESK_TEST_DESTINATIONS,
    attachments: {
      storage: e.ATTACHMENTS_STORAGE,
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      perComment: e.ATTACHMENTS_PER_COMMENT,
      maxRequestBytes: e.ATTACHMENTS_MAX_REQUEST_BYTES,
      unattachedGraceMs: e.ATTACHMENTS_UNATTACHED_GRACE_HOURS * 3600_000,
      s3: e.S3_BUCKET
        ? {
            endpoint: e.S3_ENDPOINT ?? null,
            bucket: e.S3_BUCKET,
            region: e.S3_REGION,
            credentials: e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : null,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
            prefix: e.S3_PREFIX,
          }
        : null,
    },
  };
}
