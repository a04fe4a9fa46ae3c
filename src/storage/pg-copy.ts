/**
 * COPY through node-postgres in binary format: bytes in and out of a table with no escaping and no hex, the
 * cheapest way there is to move bytes through Postgres with node-postgres's own protocol reader. bench:attachments
 * uses it for its floor (the Postgres storage reads chunks with pg-chunk-copy.ts, which reads the socket itself).
 * node-postgres runs anything with a `submit` method as a query and hands it the protocol messages;
 * these speak the COPY sub-protocol (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-COPY) and
 * the binary format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format").
 */
import { once } from 'node:events';
import type pg from 'pg';

/** What node-postgres gives a submittable query (its own Connection class is untyped). */
interface Connection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

abstract class Copy {
  readonly done: Promise<void>;
  protected resolve!: () => void;
  protected reject!: (err: Error) => void;
  private error: Error | null = null;
  constructor(private readonly text: string) {
    this.done = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }
  submit(connection: Connection) {
    connection.query(this.text);
  }
  handleError(err: Error) {
    this.error = err;
  }
  handleReadyForQuery() {
    if (this.error) this.reject(this.error);
    else this.resolve();
  }
  handleCommandComplete() {}
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
  handleCopyInResponse(_connection: Connection) {}
  handleCopyData(_msg: { chunk: Buffer }, _connection: Connection) {}
}

class CopyIn extends Copy {
  constructor(
    text: string,
    private readonly data: AsyncIterable<Buffer> | Iterable<Buffer>,
  ) {
    super(text);
  }
  override handleCopyInResponse(connection: Connection) {
    void (async () => {
      try {
        for await (const chunk of this.data) {
          connection.sendCopyFromChunk(chunk);
          if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
        }
        connection.endCopyFrom();
      } catch (err) {
        connection.sendCopyFail((err as Error).message);
      }
    })();
  }
}

class CopyOut extends Copy {
  bytes = 0;
  override handleCopyData(msg: { chunk: Buffer }) {
    this.bytes += msg.chunk.length;
  }
}

/** `COPY ... FROM STDIN` with `data` as what is sent. */
export async function copyIn(client: pg.Client | pg.PoolClient, text: string, data: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
  const q = new CopyIn(text, data);
  void client.query(q as unknown as pg.QueryConfig);
  await q.done;
}

/** `COPY ... TO STDOUT`, its CopyData messages counted and dropped. Resolves with the bytes received. */
export async function copyOut(client: pg.Client | pg.PoolClient, text: string): Promise<number> {
  const q = new CopyOut(text);
  void client.query(q as unknown as pg.QueryConfig);
  await q.done;
  return q.bytes;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The binary COPY format's header (signature, flags, extension length). */
export const binaryHeader = () => Buffer.concat([SIGNATURE, Buffer.alloc(8)]);
/** Its trailer (a tuple of -1 fields). */
export const binaryTrailer = () => Buffer.from([0xff, 0xff]);

/** One tuple of (uuid, int4, bytea) in binary COPY format: the header of the row, then the bytes themselves. */
export function chunkTuple(uuid: string, seq: number, data: Buffer): Buffer[] {
  const head = Buffer.alloc(2 + 4 + 16 + 4 + 4 + 4);
  let o = head.writeInt16BE(3, 0);
  o = head.writeInt32BE(16, o);
  Buffer.from(uuid.replaceAll('-', ''), 'hex').copy(head, o);
  o += 16;
  o = head.writeInt32BE(4, o);
  o = head.writeInt32BE(seq, o);
  head.writeInt32BE(data.length, o);
  return [head, data];
}
