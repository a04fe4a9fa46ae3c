/** Listens on the configured port; a port in use becomes a clear message, not a stack trace. */
import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../server/app.ts';
import { StartupError } from './database.ts';

/** How long a stopping server lets requests in flight finish before it cuts their connections. */
export const DRAIN_MS = 10_000;

export function listen(app: Pick<App, 'fetch'>, port: number, host: string, drainMs = DRAIN_MS): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }) as ServerType & Pick<Server, 'closeIdleConnections' | 'closeAllConnections'>;
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new StartupError(`Port ${port} is already in use. Stop the other program or set PORT to another port.`));
      else if (err.code === 'EACCES') reject(new StartupError(`Not allowed to listen on port ${port}. Set PORT to a port above 1024.`));
      else reject(err);
    });
    server.once('listening', () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        port: actual,
        // Stop accepting, drop idle keep-alive connections (the browser reconnects to the next process), and let a
        // request in flight (a submit, a webhook) get its answer; only past drainMs are the rest cut. A connection
        // whose request has finished turns idle without telling us, hence the sweep.
        close: () =>
          new Promise<void>((done) => {
            const sweep = setInterval(() => server.closeIdleConnections(), 20);
            const cut = setTimeout(() => server.closeAllConnections(), drainMs);
            server.close(() => {
              clearInterval(sweep);
              clearTimeout(cut);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
