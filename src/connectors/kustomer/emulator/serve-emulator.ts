/**
 * Runs the emulator as an HTTP server (demo, e2e, `bridgedesk kustomer-emulator --port 4010`). Binds to 127.0.0.1
 * by default: the /__emulator/ controls have no auth. A `lost_reply` fault with `reply: 'close'` destroys the
 * socket, so the client sees a dropped connection after the write committed.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { createKustomerEmulator, type KustomerEmulatorOptions } from './create-emulator.ts';
import type { EmulatorControl } from './emulator-control.ts';
import { LostReplyError } from './lost-reply-error.ts';

export interface ServeEmulatorOptions extends KustomerEmulatorOptions {
  /** 0 picks a free port. */
  port: number;
  /** (Default: 127.0.0.1.) */
  host?: string;
  /** Records are read from this file at start when it exists, and written to it on close (the demo's Kustomer side). */
  stateFile?: string;
}

export interface ServedEmulator {
  /** e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  control: EmulatorControl;
  /** True when the records came from `stateFile`. */
  restored: boolean;
  close(): Promise<void>;
}

export async function serveEmulator(options: ServeEmulatorOptions): Promise<ServedEmulator> {
  const { port, host = '127.0.0.1', stateFile, ...emulatorOptions } = options;
  const emulator = createKustomerEmulator(emulatorOptions);
  const restored = stateFile !== undefined && fs.existsSync(stateFile);
  if (restored) emulator.restore(fs.readFileSync(stateFile, 'utf8'));
  let server!: Server;
  const listening = new Promise<AddressInfo>((resolve, reject) => {
    server = serve(
      {
        hostname: host,
        port,
        fetch: async (req: Request, env: HttpBindings | Http2Bindings) => {
          try {
            return await emulator.fetch(req);
          } catch (err) {
            if (err instanceof LostReplyError) {
              // Plain HTTP/1 here, so `outgoing` is a ServerResponse with a socket.
              (env.outgoing as HttpBindings['outgoing']).socket?.destroy();
              return new Response(null, { status: 502 });
            }
            // The caller went away during a slow reply: nobody is left to answer.
            if (req.signal.aborted) return new Response(null, { status: 499 });
            throw err;
          }
        },
      },
      resolve,
    ) as Server;
    server.once('error', reject);
  });
  const address = await listening;
  // Kustomer wakes snoozed conversations at their time (docs/kustomer.md §30): served, the emulator checks every second.
  const waking = setInterval(() => emulator.control.wakeSnoozes(), 1000);
  waking.unref();
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    control: emulator.control,
    restored,
    close: async () => {
      clearInterval(waking);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      if (stateFile === undefined) return;
      // Written whole then renamed over the old file, so a stop cut short leaves the previous snapshot, never half of one.
      fs.mkdirSync(path.dirname(stateFile), { recursive: true });
      fs.writeFileSync(`${stateFile}.tmp`, emulator.snapshot());
      fs.renameSync(`${stateFile}.tmp`, stateFile);
    },
  };
}
