/**
 * The figure an agent feels, for `npm run bench:sync`: from a Kustomer change (the webhook POST that announces it)
 * to the event arriving on the stream of an open page (GET /api/v1/stream). Opens the streams, posts the prepared
 * deliveries at a fixed rate (each its own POST, not waiting for the one before), and times, per change and stream,
 * the first event naming the change's request. Each change must be of a different request.
 */
import { readEventStream, type EventStreamReader } from '../test/support/event-stream.ts';
import { summarize, type Summary } from './percentiles.ts';
import type { Delivery } from './post-webhooks.ts';

/** The figure issue 17 asks for: 50 Kustomer changes a second, spread over 1,000 linked conversations, 20 open pages. */
export const LIVE_DEFAULTS = { streams: 20, perSecond: 50, conversations: 1000 } as const;

export interface StreamLatency {
  changes: number;
  streams: number;
  /** ms from the POST's start to the event, one sample per change and stream */
  latency: Summary | null;
  /** change × stream pairs whose event never came within the wait */
  missing: number;
  /** POSTs not answered 202 */
  refused: number;
}

export async function measureStreamLatency(o: {
  base: string;
  token: string;
  streams: number;
  perSecond: number;
  changes: { requestId: string; delivery: Delivery }[];
  /** how long to wait for the last events after the last POST */
  waitMs?: number;
}): Promise<StreamLatency> {
  const pending = new Map<string, { t0: number; heard: Set<number> }>();
  const samples: number[] = [];
  const readers: EventStreamReader[] = [];
  for (let s = 0; s < o.streams; s++) {
    const res = await fetch(`${o.base}/api/v1/stream`, { headers: { authorization: `Bearer ${o.token}` } });
    if (res.status !== 200) throw new Error(`GET /api/v1/stream: HTTP ${res.status}`);
    readers.push(
      readEventStream(res, (e) => {
        const p = e.event === 'change' ? pending.get(e.data.requestId) : undefined;
        if (!p || p.heard.has(s)) return;
        p.heard.add(s);
        samples.push(e.at - p.t0);
      }),
    );
  }
  try {
    await Promise.all(readers.map((r) => r.next((e) => e.event === 'ready')));
    let refused = 0;
    const posts: Promise<void>[] = [];
    const start = performance.now();
    for (const [i, change] of o.changes.entries()) {
      const wait = start + (i * 1000) / o.perSecond - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.set(change.requestId, { t0: performance.now(), heard: new Set() });
      posts.push(
        fetch(o.base + change.delivery.path, { method: 'POST', headers: change.delivery.headers, body: change.delivery.body }).then(async (res) => {
          await res.text();
          if (res.status !== 202) refused += 1;
        }),
      );
    }
    await Promise.all(posts);
    const expected = o.changes.length * o.streams;
    const deadline = performance.now() + (o.waitMs ?? 10_000);
    while (samples.length < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return {
      changes: o.changes.length,
      streams: o.streams,
      latency: samples.length ? summarize(samples) : null,
      missing: expected - samples.length,
      refused,
    };
  } finally {
    for (const r of readers) await r.close();
  }
}
