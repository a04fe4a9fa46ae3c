/**
 * The change feed of one process: ONE dedicated connection (not from the pool: a LISTEN connection must stay
 * checked out) LISTENs on the channel migration 014's triggers NOTIFY on, and fans each change out to the
 * subscribers (open streams) in memory. Every server process has its own, so a change committed anywhere reaches the
 * pages on every process behind the load balancer. The connection is opened by the first subscriber and closed after
 * the last; when it is lost (Postgres restarted) it is reopened with backoff, and subscribers hear of the gap.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';

export const CHANGE_CHANNEL = 'bridgedesk_changes';

/** What a trigger announces (migration 014): ids and a visibility, never text. */
const ChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('timeline'), requestId: z.uuid(), visibility: z.enum(['public', 'internal']), entryId: z.string().regex(/^\d+$/) }),
  z.object({ kind: z.literal('escalation'), requestId: z.uuid(), escalationId: z.uuid() }),
]);
export type Change = z.infer<typeof ChangeSchema>;

export interface ChangeSubscriber {
  change(change: Change): void;
  /** Changes may have been missed (the connection was lost and is back): refetch what is shown. */
  gap(): void;
  /** The feed stopped (the process is stopping): end the stream. */
  end(): void;
}

export interface ChangeFeed {
  /** `ready` resolves once this process is listening, so nothing committed after it is missed. */
  subscribe(subscriber: ChangeSubscriber): { ready: Promise<void>; unsubscribe(): void };
  stop(): Promise<void>;
}

export interface ChangeFeedOptions {
  connectionString: string | undefined;
  log: Logger;
  /** Reconnect delays double from min to max. */
  backoffMs?: { min: number; max: number };
}

export function createChangeFeed({ connectionString, log, backoffMs = { min: 100, max: 5_000 } }: ChangeFeedOptions): ChangeFeed {
  const subscribers = new Set<ChangeSubscriber>();
  let client: pg.Client | null = null;
  let opening: Promise<void> | null = null;
  let lost = false;
  let stopped = false;
  let wake: (() => void) | null = null;

  const wanted = () => !stopped && subscribers.size > 0;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  function deliver(msg: pg.Notification) {
    if (msg.channel !== CHANGE_CHANNEL) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(msg.payload ?? '');
    } catch {
      parsed = null;
    }
    const change = ChangeSchema.safeParse(parsed);
    if (!change.success) return log.warn({ payload: msg.payload?.slice(0, 200) }, 'change feed: ignored a malformed notification');
    for (const s of subscribers) s.change(change.data);
  }

  /** Connects and LISTENs, retrying with backoff, until listening or nobody needs it any more. */
  async function open(): Promise<void> {
    if (!connectionString) throw new Error('change feed: no database connection string for this Kysely instance');
    for (let failures = 0; wanted(); failures += 1) {
      const c = new pg.Client({ connectionString, keepAlive: true, application_name: 'bridgedesk change feed' });
      c.on('notification', deliver);
      // A lost connection emits 'error' then 'end'; 'end' decides what happens next.
      c.on('error', (err) => log.warn({ err }, 'change feed: connection error'));
      try {
        await c.connect();
        await c.query(`listen ${CHANGE_CHANNEL}`);
      } catch (err) {
        void c.end().catch(() => {});
        const delay = Math.min(backoffMs.max, backoffMs.min * 2 ** failures);
        log.warn({ err, retryInMs: delay }, 'change feed: cannot listen, retrying');
        await pause(delay);
        continue;
      }
      if (!wanted()) {
        await c.end().catch(() => {});
        return;
      }
      client = c;
      c.once('end', () => {
        if (client !== c) return; // closed on purpose
        client = null;
        lost = true;
        log.warn('change feed: connection lost, reconnecting');
        if (wanted()) void ensureOpen().catch(() => {});
      });
      if (lost) {
        lost = false;
        log.info('change feed: listening again');
        for (const s of subscribers) s.gap();
      }
      return;
    }
  }

  function ensureOpen(): Promise<void> {
    if (client) return Promise.resolve();
    opening ??= open().finally(() => (opening = null));
    return opening;
  }

  async function close() {
    const c = client;
    client = null;
    lost = false;
    wake?.();
    await c?.end().catch(() => {});
  }

  return {
    subscribe(subscriber) {
      if (stopped) {
        subscriber.end();
        return { ready: Promise.resolve(), unsubscribe: () => {} };
      }
      subscribers.add(subscriber);
      return {
        ready: ensureOpen(),
        unsubscribe() {
          if (!subscribers.delete(subscriber) || subscribers.size) return;
          void close();
        },
      };
    },
    async stop() {
      stopped = true;
      const ending = [...subscribers];
      subscribers.clear();
      for (const s of ending) s.end();
      await close();
      await opening?.catch(() => {});
    },
  };
}
