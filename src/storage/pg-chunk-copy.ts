/**
 * A binary `COPY (select seq, data ...) TO STDOUT` of chunk rows (int4, bytea) read straight off a node-postgres
 * connection's socket: each row's bytes are handed on as views of the socket's own read buffers, never copied and
 * never gathered into one buffer per row. A download is two hops (Postgres → app → client); measured, most of the
 * app's share of its CPU was node-postgres's parser growing a buffer for every 256 KB CopyData message and copying
 * the socket's reads into it, our copy of each row out of that (a view of the parser's buffer is overwritten by its
 * next read), and the garbage collection of both (bench/README.md, bench:attachments).
 *
 * How: node-postgres reads its socket through one 'data' listener (pg-protocol's `parse`). For the COPY's length
 * this takes that listener off, frames the protocol messages itself, and puts it back at ReadyForQuery, handing it
 * whatever followed in the same read, as pg-copy-streams once did (github.com/brianc/node-pg-copy-streams,
 * src/copyTo.coffee: the stream's listeners taken off in `submit`, the rest `unshift`ed back at the end). The client
 * is checked out and idle, so nothing else reads or writes on it meanwhile. Node allocates a fresh buffer for every
 * socket read and never reuses it, so the views stay valid for as long as anyone holds them.
 *
 * Messages (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-COPY,
 * https://www.postgresql.org/docs/current/protocol-message-formats.html): CopyOutResponse 'H', CopyData 'd'...,
 * CopyDone 'c', CommandComplete 'C', ReadyForQuery 'Z'; ErrorResponse 'E' in place of any but the last;
 * NoticeResponse 'N', ParameterStatus 'S' and NotificationResponse 'A' at any time. The CopyData payloads,
 * concatenated, are the binary COPY file (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format"): a
 * header, then per row an int16 field count and each field as an int32 length and its bytes; an int16 -1 last.
 */
import type pg from 'pg';

/** The parts of node-postgres's Connection this uses (its class is untyped). */
interface RawConnection {
  stream: NodeJS.ReadableStream;
  query(text: string): void;
}
type DataListener = (piece: Buffer) => void;
/** A piece of chunk `seq`'s bytes, starting `offset` bytes into the chunk. */
export type OnChunkBytes = (piece: Buffer, seq: number, offset: number) => void;

/**
 * Runs `text`, a binary COPY TO STDOUT of rows (seq int4, data bytea), both not null, on `client`, and calls
 * `onBytes` with each piece of each row's data as it arrives. The pieces are views of socket buffers nobody else
 * writes to: keep them as long as needed. Resolves with the number of rows once the connection is ready for its next
 * query. Rejects on an error from Postgres, from `onBytes`, or of the protocol; the connection is then in no known
 * state: release it with the error, so that the pool discards it.
 */
export function copyChunksOut(client: pg.ClientBase, text: string, onBytes: OnChunkBytes): Promise<number> {
  const connection = (client as unknown as { connection: RawConnection }).connection;
  const socket = connection.stream;
  const owners = socket.listeners('data') as DataListener[];
  if (owners.length === 0) return Promise.reject(new Error('node-postgres no longer reads its socket through a data listener'));
  return new Promise<number>((resolve, reject) => {
    const messages = new MessageReader(new ChunkRowReader(onBytes));
    const stop = (err: Error) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      reject(err);
    };
    const onClose = () => stop(new Error('The connection to Postgres closed during a COPY'));
    const onData = (piece: Buffer) => {
      let rest: Buffer | null;
      try {
        rest = messages.read(piece);
      } catch (err) {
        return stop(err as Error);
      }
      if (rest === null) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      for (const owner of owners) socket.on('data', owner);
      if (rest.length) for (const owner of owners) owner(rest);
      if (messages.error) reject(messages.error);
      else if (!messages.rows.done) reject(new Error('A COPY ended before its trailer'));
      else resolve(messages.rows.count);
    };
    socket.removeAllListeners('data');
    socket.on('data', onData);
    socket.once('close', onClose);
    connection.query(text);
  });
}

const COPY_DATA = 0x64; // 'd'
const ERROR = 0x45; // 'E'
const READY = 0x5a; // 'Z'
/** The messages a COPY out may bring; anything else means the stream was misread. */
const KNOWN = new Set([...'HdcCZENSA'].map((c) => c.charCodeAt(0)));

/** Splits the socket's bytes into messages: CopyData payloads go on as views, other bodies are kept (they are small). */
class MessageReader {
  error: Error | null = null;
  private readonly head = Buffer.alloc(5);
  private headFill = 0;
  private type = 0;
  private left = 0;
  private body: Buffer[] = [];

  constructor(readonly rows: ChunkRowReader) {}

  /** Reads `piece`; returns what follows ReadyForQuery in it (often nothing) once that has come, else null. */
  read(piece: Buffer): Buffer | null {
    let o = 0;
    while (o < piece.length) {
      if (this.headFill < 5) {
        const n = Math.min(5 - this.headFill, piece.length - o);
        piece.copy(this.head, this.headFill, o, o + n);
        this.headFill += n;
        o += n;
        if (this.headFill < 5) return null;
        this.type = this.head[0]!;
        this.left = this.head.readInt32BE(1) - 4;
        if (!KNOWN.has(this.type) || this.left < 0) throw new Error(`Unexpected message (type ${this.type}) during a COPY`);
        this.body = [];
      }
      const n = Math.min(this.left, piece.length - o);
      const part = piece.subarray(o, o + n);
      o += n;
      this.left -= n;
      // After an error Postgres sends no more data, but what came before it is not passed on either.
      if (this.type === COPY_DATA) {
        if (!this.error) this.rows.read(part);
      } else if (n) this.body.push(part);
      if (this.left > 0) return null;
      this.headFill = 0;
      if (this.type === ERROR) this.error ??= errorOf(Buffer.concat(this.body));
      if (this.type === READY) return piece.subarray(o);
    }
    return null;
  }
}

/** An ErrorResponse's fields (a code byte, then a C string, each): its message and SQLSTATE. */
function errorOf(body: Buffer): Error {
  const fields = new Map<string, string>();
  let o = 0;
  while (o < body.length && body[o] !== 0) {
    const end = body.indexOf(0, o + 1);
    fields.set(String.fromCharCode(body[o]!), body.toString('utf8', o + 1, end));
    o = end + 1;
  }
  return Object.assign(new Error(fields.get('M') ?? 'Postgres refused the COPY'), { code: fields.get('C') });
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Reads a binary COPY file of (int4, bytea) rows as its pieces come, whatever their boundaries: the fixed-size parts
 * (header, field count, the int4 with its length, the bytea's length) are gathered, the bytea's bytes passed on.
 */
class ChunkRowReader {
  count = 0;
  done = false;
  private state: 'header' | 'extension' | 'fields' | 'seq' | 'length' | 'data' = 'header';
  /** The fixed-size part being read (the header, 19 bytes, is the longest) and how much of it has come. */
  private readonly acc = Buffer.alloc(19);
  private need = 19;
  private fill = 0;
  /** Bytes left of the header's extension area, or of the current row's data. */
  private left = 0;
  private seq = 0;
  private offset = 0;

  constructor(private readonly onBytes: OnChunkBytes) {}

  read(part: Buffer) {
    let o = 0;
    while (o < part.length) {
      if (this.done) throw new Error('Bytes after the end of a binary COPY');
      if (this.state === 'extension' || this.state === 'data') {
        const n = Math.min(this.left, part.length - o);
        if (this.state === 'data') {
          this.onBytes(part.subarray(o, o + n), this.seq, this.offset);
          this.offset += n;
        }
        o += n;
        this.left -= n;
        if (this.left === 0) this.nextRow();
        continue;
      }
      const n = Math.min(this.need - this.fill, part.length - o);
      part.copy(this.acc, this.fill, o, o + n);
      this.fill += n;
      o += n;
      if (this.fill === this.need) this.gathered();
    }
  }

  private expect(state: ChunkRowReader['state'], need: number) {
    this.state = state;
    this.need = need;
    this.fill = 0;
  }

  private gathered() {
    const acc = this.acc;
    if (this.state === 'header') {
      if (!acc.subarray(0, 11).equals(SIGNATURE)) throw new Error('Not a binary COPY stream');
      this.state = 'extension';
      this.left = acc.readInt32BE(15);
      if (this.left === 0) this.expect('fields', 2);
    } else if (this.state === 'fields') {
      const fields = acc.readInt16BE(0);
      if (fields === -1) this.done = true;
      else if (fields !== 2) throw new Error(`A binary COPY row of ${fields} field(s) where (int4, bytea) was expected`);
      else this.expect('seq', 8);
    } else if (this.state === 'seq') {
      if (acc.readInt32BE(0) !== 4) throw new Error('A binary COPY row whose first field is not an int4');
      this.seq = acc.readInt32BE(4);
      this.expect('length', 4);
    } else {
      this.left = acc.readInt32BE(0);
      if (this.left < 0) throw new Error('A null bytea in a binary COPY of chunks');
      this.state = 'data';
      this.offset = 0;
      if (this.left === 0) this.nextRow();
    }
  }

  private nextRow() {
    if (this.state === 'data') this.count++;
    this.expect('fields', 2);
  }
}
