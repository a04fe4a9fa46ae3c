import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { postgresBudget, PROBE_POLL_MS } from './rate-budget.ts';

const database = await createTestDatabase();
afterAll(() => database.drop());

describe('the shared rate budget', () => {
  it('lets workers together spend exactly what the vendor said is left, then tells them when it refills', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const resetAt = new Date(now.getTime() + 40_000);
    const a = postgresBudget(database.db, 'kustomer:acme');
    const b = postgresBudget(database.db, 'kustomer:acme');
    await a.observe({ limit: 100, remaining: 10, resetAt }, now);
    const waits = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).take(now)));
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
    expect(waits.filter((w) => w === 40_000)).toHaveLength(6);
  });

  it('keeps the lower count within a window and takes the new one when a window starts', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const budget = postgresBudget(database.db, 'kustomer:beta');
    await budget.observe({ limit: 100, remaining: 5, resetAt: new Date(now.getTime() + 60_000) }, now);
    await budget.observe({ limit: 100, remaining: 50, resetAt: new Date(now.getTime() + 60_000) }, now);
    const row = await database.db.selectFrom('rate_budgets').selectAll().where('key', '=', 'kustomer:beta').executeTakeFirstOrThrow();
    expect(row.remaining).toBe(5);
    await budget.observe({ limit: 100, remaining: 99, resetAt: new Date(now.getTime() + 120_000) }, now);
    const next = await database.db.selectFrom('rate_budgets').selectAll().where('key', '=', 'kustomer:beta').executeTakeFirstOrThrow();
    expect(next.remaining).toBe(99);
  });

  it('sends one probe when the window has ended, and opens the next window from its reply', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const budget = postgresBudget(database.db, 'kustomer:gamma');
    await budget.observe({ limit: 2, remaining: 0, resetAt: new Date(now.getTime() + 1000) }, now);
    expect(await budget.take(now)).toBe(1000);
    const later = new Date(now.getTime() + 1000);
    expect(await budget.take(later)).toBe(0);
    // Not the probe's 5 s hold: the others look again soon after its reply can have landed.
    expect(await budget.take(later)).toBe(PROBE_POLL_MS);
    await budget.observe({ limit: 2, remaining: 1, resetAt: new Date(later.getTime() + 60_000) }, later);
    expect(await budget.take(later)).toBe(0);
    expect(await budget.take(later)).toBe(60_000);
  });

  it('takes units ahead in one round trip while plenty is left, and never spends more than the vendor gave', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const budget = postgresBudget(database.db, 'kustomer:zeta');
    await budget.observe({ limit: 1000, remaining: 150, resetAt: new Date(now.getTime() + 60_000) }, now);
    expect(await budget.take(now)).toBe(0);
    const row = () => database.db.selectFrom('rate_budgets').select('remaining').where('key', '=', 'kustomer:zeta').executeTakeFirstOrThrow();
    expect((await row()).remaining).toBe(142);
    for (let i = 1; i < 150; i++) expect(await budget.take(now)).toBe(0);
    expect((await row()).remaining).toBe(0);
    expect(await budget.take(now)).toBe(60_000);
  });

  it('stops spending leased units once a reply shows the vendor lowered the limit mid-window', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const resetAt = new Date(now.getTime() + 60_000);
    const budget = postgresBudget(database.db, 'kustomer:theta');
    await budget.observe({ limit: 100_000, remaining: 99_000, resetAt }, now);
    expect(await budget.take(now)).toBe(0); // leases 7 more
    // The admin's plan changed: 12 a window, 3 of them left.
    await budget.observe({ limit: 12, remaining: 3, resetAt }, now);
    const waits = await Promise.all(Array.from({ length: 8 }, () => budget.take(now)));
    expect(waits.filter((w) => w === 0)).toHaveLength(3);
  });

  it('loses no leased unit when many callers of one process take at once', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const budget = postgresBudget(database.db, 'kustomer:eta');
    await budget.observe({ limit: 1000, remaining: 400, resetAt: new Date(now.getTime() + 60_000) }, now);
    const waits = await Promise.all(Array.from({ length: 400 }, () => budget.take(now)));
    expect(waits.filter((w) => w === 0)).toHaveLength(400);
    expect(await budget.take(now)).toBe(60_000);
  });

  it('ignores a late reply from a window that has ended', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const budget = postgresBudget(database.db, 'kustomer:epsilon');
    await budget.observe({ limit: 10, remaining: 2, resetAt: new Date(now.getTime() + 30_000) }, now);
    await budget.observe({ limit: 10, remaining: 9, resetAt: new Date(now.getTime() - 1000) }, now);
    const row = await database.db.selectFrom('rate_budgets').selectAll().where('key', '=', 'kustomer:epsilon').executeTakeFirstOrThrow();
    expect(row.remaining).toBe(2);
  });

  it('sends one probe first when nothing is known, and holds the others until its reply tells the window', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const budget = postgresBudget(database.db, 'kustomer:delta');
    const waits = await Promise.all(Array.from({ length: 5 }, () => budget.take(now)));
    expect(waits.filter((w) => w === 0)).toHaveLength(1);
    expect(waits.filter((w) => w === PROBE_POLL_MS)).toHaveLength(4);
    await budget.observe({ limit: 100, remaining: 3, resetAt: new Date(now.getTime() + 30_000) }, now);
    const after = await Promise.all(Array.from({ length: 5 }, () => budget.take(now)));
    expect(after.filter((w) => w === 0)).toHaveLength(3);
  });
});
