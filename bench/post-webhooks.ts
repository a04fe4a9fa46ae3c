/**
 * The load generator of `npm run bench:sync`: POSTs prepared webhook deliveries to the server with a fixed number in
 * flight over keep-alive connections (node:http, one socket per lane), in the given order: each lane takes the next
 * delivery when its previous one is answered. Records every answer's status, the body's `status` and the latency.
 */
import http from 'node:http';

export interface Delivery {
  /** POST unless said (the floor GETs /readyz the same way). */
  method?: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface PostResults {
  /** HTTP status -> count */
  statuses: Map<number, number>;
  /** the JSON body's `status` of the 202s -> count ('accepted', 'duplicate') */
  outcomes: Map<string, number>;
  /** ms per POST, in sending order */
  latencies: number[];
  /** performance.now() of the first send and the last answer */
  startedAt: number;
  endedAt: number;
  /** the first few unexpected answers */
  problems: string[];
}

export async function postWebhooks(o: {
  port: number;
  deliveries: Delivery[];
  inFlight: number;
  onProgress?: (done: number) => void;
  /** The answer expected (default 202); any other is a problem. */
  expect?: number;
}): Promise<PostResults> {
  const expected = o.expect ?? 202;
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.inFlight, maxFreeSockets: o.inFlight });
  const r: PostResults = {
    statuses: new Map(),
    outcomes: new Map(),
    latencies: new Array(o.deliveries.length),
    startedAt: performance.now(),
    endedAt: 0,
    problems: [],
  };
  const post = (d: Delivery) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const body = Buffer.from(d.body);
      const req = http.request(
        { host: '127.0.0.1', port: o.port, method: d.method ?? 'POST', path: d.path, agent, headers: { ...d.headers, 'content-length': String(body.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < o.deliveries.length) {
      const i = next++;
      const t0 = performance.now();
      const res = await post(o.deliveries[i]!);
      r.latencies[i] = performance.now() - t0;
      r.statuses.set(res.status, (r.statuses.get(res.status) ?? 0) + 1);
      if (res.status === expected) {
        const outcome = String((JSON.parse(res.text) as { status?: unknown }).status);
        r.outcomes.set(outcome, (r.outcomes.get(outcome) ?? 0) + 1);
      } else if (r.problems.length < 5) {
        r.problems.push(`POST #${i}: HTTP ${res.status}: ${res.text.slice(0, 200)}`);
      }
      if (++done % 1000 === 0) o.onProgress?.(done);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.inFlight, o.deliveries.length) }, lane));
  } finally {
    r.endedAt = performance.now();
    agent.destroy();
  }
  return r;
}
