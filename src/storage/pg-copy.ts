/**
 * COPY through node-postgres in binary format: bytes in and out of a table with no escaping and no hex, the
 * cheapest way there is to move bytes through Postgres. The Postgres storage reads chunks with it (node-postgres's
 * own binary results decode every value as UTF-8 text first, which mangles bytes), and bench:attachments uses it
 * for its floor. node-postgres runs anything with a `submit` method as a query and hands it the protocol messages;
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
  constructor(
    text: string,
    private readonly onData: ((chunk: Buffer) => void) | null,
  ) {
    super(text);
  }
  override handleCopyData(msg: { chunk: Buffer }) {
    this.bytes += msg.chunk.length;
    try {
      this.onData?.(msg.chunk);
    } catch (err) {
      this.handleError(err as Error);
    }
  }
}

/** `COPY ... FROM STDIN` with `data` as what is sent. */
export async function copyIn(client: pg.Client | pg.PoolClient, text: string, data: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
  const q = new CopyIn(text, data);
  void client.query(q as unknown as pg.QueryConfig);
  await q.done;
}

/**
 * `COPY ... TO STDOUT`; each CopyData message goes to `onData` (a view of the connection's buffer, valid only during
 * the call: copy what is kept). Resolves with the bytes received.
 */
export async function copyOut(client: pg.Client | pg.PoolClient, text: string, onData: ((chunk: Buffer) => void) | null = null): Promise<number> {
  const q = new CopyOut(text, onData);
  void client.query(q as unknown as pg.QueryConfig);
  await q.done;
  return q.bytes;
}

/**
 * The single bytea column of each row of a binary `COPY (select <bytea>) TO STDOUT`, each as a Buffer of its own.
 * Postgres sends one CopyData message per row (the file header comes with the first, the trailer alone), so a
 * message holds whole tuples.
 */
export function byteaRows(onRow: (data: Buffer) => void): (chunk: Buffer) => void {
  let headerSeen = false;
  return (chunk) => {
    let o = 0;
    if (!headerSeen) {
      if (chunk.length < 19 || !chunk.subarray(0, 11).equals(SIGNATURE)) throw new Error('Not a binary COPY stream');
      o = 19 + chunk.readInt32BE(15);
      headerSeen = true;
    }
    while (o < chunk.length) {
      const fields = chunk.readInt16BE(o);
      if (fields === -1) return;
      const length = chunk.readInt32BE(o + 2);
      if (fields !== 1 || length < 0 || o + 6 + length > chunk.length) throw new Error('Unexpected tuple in a binary COPY stream');
      onRow(Buffer.from(chunk.subarray(o + 6, o + 6 + length)));
      o += 6 + length;
    }
  };
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
