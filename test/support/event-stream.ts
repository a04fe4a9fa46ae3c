/** Reads a server-sent event stream (GET /api/v1/stream) as EventSource would: events in order, comments skipped. */

export interface StreamEvent {
  event: string;
  data: any;
  /** When it arrived (performance.now()). */
  at: number;
}

export interface EventStreamReader {
  /** Every event so far, in order. */
  events: StreamEvent[];
  /** The first event (from the start) that matches; waits for it up to timeoutMs. */
  next(match: (e: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): Promise<void>;
}

export function readEventStream(res: Response, onEvent?: (e: StreamEvent) => void): EventStreamReader {
  if (!res.body) throw new Error('no body');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const events: StreamEvent[] = [];
  let waiters: (() => void)[] = [];
  const ended = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = block.split('\n').filter((l) => l && !l.startsWith(':'));
        const event = fields.find((l) => l.startsWith('event: '))?.slice(7);
        const data = fields.find((l) => l.startsWith('data: '))?.slice(6);
        if (!event || data === undefined) continue;
        const e = { event, data: JSON.parse(data), at: performance.now() };
        events.push(e);
        onEvent?.(e);
      }
      for (const w of waiters) w();
      waiters = [];
    }
    for (const w of waiters) w();
  })();
  let done = false;
  void ended.then(() => (done = true));
  return {
    events,
    ended,
    async next(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (done) throw new Error(`stream ended without the event; got ${JSON.stringify(events)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    async close() {
      await reader.cancel().catch(() => {});
      await ended;
    },
  };
}
