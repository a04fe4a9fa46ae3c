import { describe, expect, it } from 'vitest';
import { listen } from './serve.ts';

/** A server whose /slow answers only when the test says so. */
function gatedApp() {
  let entered!: () => void;
  let release!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  const gate = new Promise<void>((r) => (release = r));
  const app = {
    fetch: async (req: Request) => {
      if (new URL(req.url).pathname !== '/slow') return new Response('quick');
      entered();
      await gate;
      return new Response('finished');
    },
  };
  return { app, inside, release };
}

describe('a stopping server', () => {
  it('lets a request in flight finish, refuses new connections, and then stops', async () => {
    const { app, inside, release } = gatedApp();
    const server = await listen(app, 0, '127.0.0.1');
    const base = `http://127.0.0.1:${server.port}`;
    expect(await (await fetch(`${base}/quick`)).text()).toBe('quick'); // leaves an idle keep-alive connection
    const slow = fetch(`${base}/slow`).then((r) => r.text());
    await inside;
    let stopped = false;
    const closing = server.close().then(() => (stopped = true));
    await expect(fetch(`${base}/quick`, { headers: { connection: 'close' } })).rejects.toThrow();
    expect(stopped).toBe(false);
    release();
    expect(await slow).toBe('finished');
    await closing;
  });

  it('cuts a request still running after the drain time, so stopping never hangs', async () => {
    const { app, inside } = gatedApp();
    const server = await listen(app, 0, '127.0.0.1', 50);
    const slow = fetch(`http://127.0.0.1:${server.port}/slow`).then((r) => r.text());
    await inside;
    await server.close();
    await expect(slow).rejects.toThrow();
  });
});
