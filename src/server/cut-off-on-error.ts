/**
 * A response body that, when its source fails midway (a damaged file, storage gone), cuts the connection off: the
 * client sees a transfer that ended early. Left to itself, @hono/node-server answers a body stream's error by
 * writing `Error: <message>` into the response before destroying it, which appended our internal message (an
 * attachment id, a storage error) to the bytes of the file being downloaded (seen under load in
 * downloads.int.test.ts). Outside the Node server (app.request in tests) the stream just errors.
 */
import type { ServerResponse } from 'node:http';

export function cutOffOnError(
  source: ReadableStream<Uint8Array>,
  outgoing: ServerResponse | undefined,
  onError: (err: unknown) => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let read;
        try {
          read = await reader.read();
        } catch (err) {
          onError(err);
          if (!outgoing) return controller.error(err);
          outgoing.destroy();
          return controller.close();
        }
        if (read.done) controller.close();
        else controller.enqueue(read.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    // The source buffers (its own high-water mark); this adds none.
    { highWaterMark: 0 },
  );
}
