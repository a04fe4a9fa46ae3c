/** Listens on the configured port; a port in use becomes a clear message, not a stack trace. */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { App } from '../server/app.ts';
import { StartupError } from './database.ts';

export function listen(app: App, port: number, host: string): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host });
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new StartupError(`Port ${port} is already in use. Stop the other program or set PORT to another port.`));
      else if (err.code === 'EACCES') reject(new StartupError(`Not allowed to listen on port ${port}. Set PORT to a port above 1024.`));
      else reject(err);
    });
    server.once('listening', () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive connections would hold close() open; the browser reconnects to the next process.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
  });
}
