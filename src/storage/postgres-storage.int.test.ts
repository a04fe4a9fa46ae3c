/**
 * The Postgres storage's reads against a real database: whole files and ranges whatever their size and bounds
 * (chunk and read-batch boundaries included), damaged files stopped before a wrong byte, and a cancelled read's
 * connection kept.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/seeded-random.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { CHUNK_BYTES, createPostgresStorage } from './postgres-storage.ts';

const C = CHUNK_BYTES;
/** Chunks per read statement (postgres-storage.ts READ_BATCH): its boundaries are worth reading across. */
const BATCH = 8 * C;
const database = await createTestDatabase();
const { db } = database;
const APP = `storage_test_${process.pid}`;
const storageUrl = new URL(database.url);
storageUrl.searchParams.set('application_name', APP);
// One connection: a read that lost its connection would show as another backend.
const storage = createPostgresStorage(storageUrl.toString(), 1);
afterAll(async () => {
  await storage.close();
  await database.drop();
});

/** The bytes as an upload brings them: in pieces of no particular size. */
async function* pieces(bytes: Buffer) {
  for (let o = 0; o < bytes.length; o += 100_000) yield bytes.subarray(o, o + 100_000);
}

async function store(bytes: Buffer): Promise<string> {
  const id = randomUUID();
  await sql`insert into attachments (id, name, size, storage_kind, storage_key, state) values (${id}, 'f.bin', ${bytes.length}, 'postgres', ${id}, 'stored')`.execute(
    db,
  );
  await storage.write(id, pieces(bytes), bytes.length);
  return id;
}

/** Reads `range` of the file (all of it without one): the bytes received, and the error that stopped them if any. */
async function read(id: string, size: number, range?: { start: number; end: number }) {
  const parts: Uint8Array[] = [];
  let error: Error | null = null;
  try {
    for await (const part of await storage.read(id, size, range)) parts.push(part);
  } catch (err) {
    error = err as Error;
  }
  return { bytes: Buffer.concat(parts), error };
}

describe('Postgres storage reads', () => {
  it.each([
    ['empty', 0],
    ['of one byte', 1],
    ['one byte short of a chunk', C - 1],
    ['of exactly one chunk', C],
    ['of exactly two chunks', 2 * C],
    ['of exactly one read batch', BATCH],
    ['of a read batch and one byte', BATCH + 1],
    ['of several batches, ending midway through a chunk', 2 * BATCH + 3 * C + 5],
  ])('gives back a file %s whole', async (_, size) => {
    const file = randomBytes(size);
    const { bytes, error } = await read(await store(file), size);
    expect(error).toBeNull();
    expect(bytes.equals(file)).toBe(true);
  });

  describe('ranges', async () => {
    const size = 2 * BATCH + 3 * C + 5;
    const file = randomBytes(size);
    const id = await store(file);
    const random = seededRandom(18);
    const someRanges = Array.from({ length: 12 }, (): [number, number] => {
      const a = Math.floor(random() * size);
      const b = Math.floor(random() * size);
      return [Math.min(a, b), Math.max(a, b)];
    });

    it.each<[number, number]>([
      [0, 0],
      [C - 1, C],
      [C, 2 * C - 1],
      [BATCH - 1, BATCH],
      [BATCH, 2 * BATCH - 1],
      [BATCH - 10, 2 * BATCH + 10],
      [5, size - 1],
      [size - 1, size - 1],
      [2 * BATCH + 3 * C, size - 1],
      ...someRanges,
    ])('gives back bytes %i to %i exactly', async (start, end) => {
      const { bytes, error } = await read(id, size, { start, end });
      expect(error).toBeNull();
      expect(bytes.equals(file.subarray(start, end + 1))).toBe(true);
    });
  });

  describe('a damaged file', () => {
    const file = randomBytes(10 * C);

    it('stops with an error, having given only bytes from their right place, when a chunk is missing', async () => {
      const id = await store(file);
      await sql`delete from attachment_chunks where attachment_id = ${id} and seq = 3`.execute(db);
      const { bytes, error } = await read(id, file.length);
      expect(error?.message).toContain('came where');
      expect(bytes.length).toBeLessThanOrEqual(3 * C);
      expect(bytes.equals(file.subarray(0, bytes.length))).toBe(true);
    });

    it('stops with an error, having given only bytes from their right place, when a chunk is short', async () => {
      const id = await store(file);
      await sql`update attachment_chunks set data = substring(data from 1 for 1000) where attachment_id = ${id} and seq = 2`.execute(db);
      const { bytes, error } = await read(id, file.length);
      expect(error?.message).toContain('came where');
      expect(bytes.length).toBeLessThanOrEqual(2 * C + 1000);
      expect(bytes.equals(file.subarray(0, bytes.length))).toBe(true);
    });

    it('stops with an error when its last chunks are missing', async () => {
      const id = await store(file);
      await sql`delete from attachment_chunks where attachment_id = ${id} and seq >= 9`.execute(db);
      const { bytes, error } = await read(id, file.length);
      expect(error?.message).toContain(`ends at byte ${9 * C}`);
      expect(bytes.equals(file.subarray(0, 9 * C))).toBe(true);
    });
  });

  it('gives the connection of a read cancelled midway back to the pool, open, for the next read', async () => {
    const backends = async () =>
      (await sql<{ pid: number }>`select pid from pg_stat_activity where application_name = ${APP}`.execute(db)).rows.map((r) => r.pid);
    const file = randomBytes(3 * BATCH);
    const [first, second] = [await store(file), await store(file)];
    const before = await backends();
    expect(before).toHaveLength(1);

    const reader = (await storage.read(first, file.length)).getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    const { bytes, error } = await read(second, file.length);
    expect(error).toBeNull();
    expect(bytes.equals(file)).toBe(true);
    // The pool holds one connection: the same backend served both reads.
    expect(await backends()).toEqual(before);
  });
});
