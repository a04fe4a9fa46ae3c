/**
 * When an escalation becomes `linked`, seen from outside the app without polling it: a trigger on the benchmark's
 * throwaway database sends a NOTIFY when an escalation changes state, and Postgres delivers it when the worker's
 * transaction commits, i.e. at the moment the escalation is linked for everyone else. The load generator LISTENs
 * and timestamps each notification as it arrives. The trigger is benchmark instrumentation (a few microseconds per
 * escalation update); the product does not have it.
 *
 * Events: `linked`, `failed` (nothing was created and delivery stopped), `wait` (rescheduled to wait for the rate
 * budget: the job found the budget used up, or got a 429) and `retry` (rescheduled after another failure). An
 * escalation that ends link_failed never links: the benchmark's phase timeout reports it, with the retry reasons.
 */
import pg from 'pg';

const CHANNEL = 'bench_escalation';

export async function installEscalationTrigger(pool: pg.Pool): Promise<void> {
  await pool.query(`
    create or replace function bench_escalation_event() returns trigger language plpgsql as $$
    begin
      if new.state = 'linked' and old.state is distinct from 'linked' then
        perform pg_notify('${CHANNEL}', 'linked:' || new.id);
      elsif new.state = 'failed' and old.state is distinct from 'failed' then
        perform pg_notify('${CHANNEL}', 'failed:' || new.id || ':' || coalesce(new.last_error, ''));
      elsif new.next_attempt_at is not null and new.next_attempt_at is distinct from old.next_attempt_at then
        if new.last_error = 'Waiting for the rate limit to reset' then
          perform pg_notify('${CHANNEL}', 'wait:' || new.id);
        else
          perform pg_notify('${CHANNEL}', 'retry:' || new.id || ':' || coalesce(new.last_error, ''));
        end if;
      end if;
      return null;
    end $$;
    drop trigger if exists bench_escalation_event on escalations;
    create trigger bench_escalation_event after update on escalations for each row execute function bench_escalation_event();
  `);
}

export interface EscalationEvents {
  /** Resolves with performance.now() at the moment the escalation's `linked` notification arrived. */
  linked(id: string): Promise<number>;
  /** Counters since the last reset. */
  counts(): { linked: number; wait: number; retry: number; failed: number };
  /** Reasons of the last few retries and failures, for the report. */
  lastProblems(): string[];
  resetCounts(): void;
  close(): Promise<void>;
}

export async function listenEscalationEvents(url: string): Promise<EscalationEvents> {
  const client = new pg.Client(url);
  // The server going away during cleanup must not crash the process.
  client.on('error', () => {});
  await client.connect();
  await client.query(`listen ${CHANNEL}`);
  const arrived = new Map<string, number>();
  const waiters = new Map<string, { resolve: (t: number) => void; reject: (e: Error) => void }>();
  const failures = new Map<string, string>();
  let counts = { linked: 0, wait: 0, retry: 0, failed: 0 };
  const problems: string[] = [];
  client.on('notification', (n) => {
    const at = performance.now();
    const [kind, id, ...rest] = (n.payload ?? '').split(':');
    if (!id) return;
    if (kind === 'linked') {
      counts.linked += 1;
      const w = waiters.get(id);
      if (w) {
        waiters.delete(id);
        w.resolve(at);
      } else arrived.set(id, at);
    } else if (kind === 'failed') {
      counts.failed += 1;
      const reason = rest.join(':');
      problems.push(`failed: ${reason}`);
      const w = waiters.get(id);
      if (w) {
        waiters.delete(id);
        w.reject(new Error(`escalation ${id} failed: ${reason}`));
      } else failures.set(id, reason);
    } else if (kind === 'wait') counts.wait += 1;
    else if (kind === 'retry') {
      counts.retry += 1;
      problems.push(`retry: ${rest.join(':')}`);
    }
    if (problems.length > 20) problems.shift();
  });
  return {
    linked(id) {
      const at = arrived.get(id);
      if (at !== undefined) {
        arrived.delete(id);
        return Promise.resolve(at);
      }
      const failed = failures.get(id);
      if (failed !== undefined) return Promise.reject(new Error(`escalation ${id} failed: ${failed}`));
      return new Promise((resolve, reject) => waiters.set(id, { resolve, reject }));
    },
    counts: () => ({ ...counts }),
    lastProblems: () => [...problems],
    resetCounts() {
      counts = { linked: 0, wait: 0, retry: 0, failed: 0 };
      problems.length = 0;
    },
    async close() {
      for (const w of waiters.values()) w.reject(new Error('stopped listening'));
      waiters.clear();
      await client.end().catch(() => {});
    },
  };
}
