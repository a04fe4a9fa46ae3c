/** The pool's named prepared statements under a schema change made by another process (a migration during a roll). */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { createDb } from './database.ts';
import { withTransaction } from './transaction.ts';

const database = await createTestDatabase();
// One connection, so the statement prepared before the change is the one used after it.
const { db } = createDb(database.url, 1);
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

const readRow = (q: typeof db) => sql<Record<string, unknown>>`select * from roll_probe where id = ${1}`.execute(q).then((r) => r.rows[0]);

describe('prepared statements', () => {
  it("keep working when a column is added under them, as an old server meets a new version's migration", async () => {
    await sql`create table roll_probe (id int primary key, a text)`.execute(database.db);
    await sql`insert into roll_probe values (1, 'x')`.execute(database.db);
    expect(await readRow(db)).toEqual({ id: 1, a: 'x' });
    await sql`alter table roll_probe add column b text`.execute(database.db);
    expect(await readRow(db)).toEqual({ id: 1, a: 'x', b: null });
  });

  it('fail the transaction they were in (which cannot go on), and work again right after it', async () => {
    expect(await readRow(db)).toEqual({ id: 1, a: 'x', b: null }); // prepared again, under its renewed name
    await sql`alter table roll_probe add column c text`.execute(database.db);
    await expect(withTransaction(db, (tx) => readRow(tx))).rejects.toThrow(/cached plan must not change result type/);
    expect(await readRow(db)).toEqual({ id: 1, a: 'x', b: null, c: null });
  });
});
