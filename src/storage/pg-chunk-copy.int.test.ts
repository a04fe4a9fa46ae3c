/**
 * copyChunksOut against a real Postgres: rows of (seq, data) read off the socket, whatever the sizes of the socket's
 * reads (a socket that hands them on a few bytes at a time), with notices between rows, and Postgres's errors; the
 * connection goes back to node-postgres in step.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/seeded-random.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { copyChunksOut } from './pg-chunk-copy.ts';

const database = await createTestDatabase();
afterAll(database.drop);

/** A socket whose reads reach their listeners cut into pieces of 1 to `max` bytes, as a slow network may deliver them. */
class SlicingSocket extends net.Socket {
  constructor(
    private readonly max: number,
    private readonly random = seededRandom(7),
  ) {
    super();
  }
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'data' || this.max === 0) return super.emit(event, ...args);
    const piece = args[0] as Buffer;
    for (let o = 0; o < piece.length;) {
      const n = 1 + Math.floor(this.random() * this.max);
      super.emit('data', piece.subarray(o, o + n));
      o += n;
    }
    return true;
  }
}

async function connect(slice = 0) {
  const client = new pg.Client({ connectionString: database.url, stream: () => new SlicingSocket(slice) });
  await client.connect();
  return client;
}

// Rows of several sizes: empty, a few bytes, and large ones that span many socket reads.
const rows = [0, 1, 7, 70_000, 262_144, 300_001].map((size, seq) => ({ seq, data: randomBytes(size) }));
{
  const c = await connect();
  await c.query('create table chunk_copy (seq int not null, data bytea not null)');
  for (const r of rows) await c.query('insert into chunk_copy values ($1, $2)', [r.seq, r.data]);
  await c.end();
}

/** What copyChunksOut passed on, put back together by seq and offset; throws on a gap or an overlap. */
async function copyAll(client: pg.Client, text = 'copy (select seq, data from chunk_copy order by seq) to stdout (format binary)') {
  const got = new Map<number, { parts: Buffer[]; length: number }>();
  const count = await copyChunksOut(client, text, (piece, seq, offset) => {
    const row = got.get(seq) ?? { parts: [], length: 0 };
    if (offset !== row.length) throw new Error(`row ${seq}: piece at ${offset}, expected at ${row.length}`);
    row.parts.push(piece);
    row.length += piece.length;
    got.set(seq, row);
  });
  return { count, rows: new Map([...got].map(([seq, row]) => [seq, Buffer.concat(row.parts)])) };
}

describe('copyChunksOut', () => {
  it.each([
    ['as Postgres sends them', 0],
    ['cut into pieces of 1 to 3 bytes', 3],
    ['cut into pieces of 1 to 40 bytes', 40],
  ])('passes on every row with its seq and offsets when the socket reads come %s, then node-postgres reads the connection again', async (_, slice) => {
    const client = await connect(slice);
    const { count, rows: got } = await copyAll(client);
    expect(count).toBe(rows.length);
    for (const r of rows) expect((got.get(r.seq) ?? Buffer.alloc(0)).equals(r.data), `row ${r.seq}`).toBe(true);
    // The next query is node-postgres's again, in step with the connection.
    expect((await client.query('select 41 + 1 as n')).rows).toEqual([{ n: 42 }]);
    expect((await copyAll(client)).count).toBe(rows.length);
    await client.end();
  });

  it('skips the notices Postgres sends between rows', async () => {
    const client = await connect(5);
    await client.query(
      `create function pg_temp.noisy(b bytea) returns bytea language plpgsql as $$ begin raise notice 'row of % bytes', length(b); return b; end $$`,
    );
    const notices: string[] = [];
    client.on('notice', (n) => notices.push(n.message ?? ''));
    const { count, rows: got } = await copyAll(client, 'copy (select seq, pg_temp.noisy(data) from chunk_copy order by seq) to stdout (format binary)');
    expect(count).toBe(rows.length);
    expect(got.get(5)!.equals(rows[5]!.data)).toBe(true);
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    expect(notices).toEqual([]);
    await client.end();
  });

  it("rejects with Postgres's message and SQLSTATE, whether the COPY fails before its first row or midway", async () => {
    const client = await connect(11);
    await expect(copyAll(client, 'copy (select seq, data from no_such_table) to stdout (format binary)')).rejects.toMatchObject({
      message: 'relation "no_such_table" does not exist',
      code: '42P01',
    });
    const midway =
      'copy (select seq, case when seq = 4 then (1 / (seq - 4))::text::bytea else data end from chunk_copy order by seq) to stdout (format binary)';
    const seen: number[] = [];
    await expect(copyChunksOut(client, midway, (_, seq) => void seen.push(seq))).rejects.toMatchObject({ code: '22012' });
    expect(Math.max(...seen)).toBeLessThan(4);
    await client.end();
  });

  it('rejects what is not a COPY of (int4, bytea) rows, rather than misread it', async () => {
    const client = await connect();
    await expect(copyAll(client, 'copy (select data from chunk_copy) to stdout (format binary)')).rejects.toThrow(
      'A binary COPY row of 1 field(s) where (int4, bytea) was expected',
    );
    await client.end();
    const other = await connect();
    await expect(copyAll(other, 'copy (select seq::bigint, data from chunk_copy) to stdout (format binary)')).rejects.toThrow('first field is not an int4');
    await other.end();
  });

  it('rejects when what it passes the bytes to throws', async () => {
    const client = await connect();
    await expect(
      copyChunksOut(client, 'copy (select seq, data from chunk_copy order by seq) to stdout (format binary)', (_, seq) => {
        if (seq === 3) throw new Error('no room');
      }),
    ).rejects.toThrow('no room');
    await client.end();
  });
});
