/**
 * The Kustomer emulator served over HTTP with a fixed latency added to every API reply, to stand in for a fast real
 * Kustomer in `npm run bench:escalation`. The emulator is used as it is (its fetch handler, unchanged): the call is
 * handled (and counted against the rate window) when it arrives, and the reply is held for `latencyMs` before it is
 * sent. Control routes (/__emulator/) are never delayed. `latencyMs` can be changed between measurements.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { CONTROL_PREFIX, createKustomerEmulator, type EmulatorControl } from '../src/connectors/kustomer/emulator/index.ts';

export interface DelayedEmulator {
  url: string;
  control: EmulatorControl;
  /** Added to every API reply, in ms of real time. */
  latencyMs: number;
  /** When set, every API call is appended: performance.now() when it arrived and when its reply was sent. */
  trace: { start: number; end: number }[] | null;
  close(): Promise<void>;
}

export async function serveDelayedEmulator(opts: { latencyMs: number; rateWindowMs?: number }): Promise<DelayedEmulator> {
  const emulator = createKustomerEmulator({ rateWindowMs: opts.rateWindowMs });
  const served: DelayedEmulator = {
    url: '',
    control: emulator.control,
    latencyMs: opts.latencyMs,
    trace: null,
    close: async () => {},
  };
  let server!: Server;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server = serve(
      {
        hostname: '127.0.0.1',
        port: 0,
        fetch: async (req: Request) => {
          const start = performance.now();
          const res = await emulator.fetch(req);
          if (new URL(req.url).pathname.startsWith(CONTROL_PREFIX)) return res;
          const delay = served.latencyMs;
          if (delay > 0) await new Promise((r) => setTimeout(r, delay));
          served.trace?.push({ start, end: performance.now() });
          return res;
        },
      },
      resolve,
    ) as Server;
    server.once('error', reject);
  });
  served.url = `http://127.0.0.1:${address.port}`;
  served.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    });
  return served;
}
