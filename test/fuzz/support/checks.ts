/** What every reply must satisfy, whatever was sent, and a fingerprint of the database to prove refusals change nothing. */
import { sql } from 'kysely';
import type { Db } from '../../../src/db/database.ts';

/** Text that only an internal error puts in a reply: stack frames, source paths, Postgres messages and codes. */
export const LEAKS: [string, RegExp][] = [
  ['stack frame', /\bat (?:async )?[\w$.<>]+ \(|\n\s+at |\bat file:\/\/|\bat node:/],
  ['source path', /\/src\/|node_modules|\.ts:\d+|\.js:\d+:\d+|\/work\/|\/home\//],
  ['SQL syntax error', /syntax error at/i],
  ['SQL relation', /\brelation "|\bcolumn "[^"]+" (?:of relation|does not exist)/i],
  ['constraint', /violates|duplicate key|foreign key constraint|check constraint/i],
  ['invalid input syntax', /invalid input syntax|invalid byte sequence|out of range for type|value too long for type/i],
  ['Postgres code', /\b(?:22P0[0-9]|22003|22001|22021|23505|23503|23502|23514|42P01|42703|42601|42883|40001|40P01|57014|54001|XX000)\b/],
  ['Postgres words', /\bpostgres|\bkysely|\bpg_|SQLSTATE/i],
  ['JS internals', /TypeError|ReferenceError|RangeError|SyntaxError: |Cannot read propert|is not a function|undefined is not|Maximum call stack/],
];

/** Leak patterns found in `text` that the request itself did not contain (a reply may echo what was sent). */
export function leaks(text: string, sent: string): string[] {
  return LEAKS.filter(([, re]) => re.test(text) && !re.test(sent)).map(([name]) => name);
}

/** Problems with an error reply's body: it must be exactly {"error": {"code", "message", "details"?}}. */
export function errorShapeProblems(body: unknown): string[] {
  const problems: string[] = [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['body is not a JSON object'];
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') problems.push(`top-level keys are ${JSON.stringify(keys)}, not ["error"]`);
  const error = (body as { error?: unknown }).error;
  if (!error || typeof error !== 'object' || Array.isArray(error)) return [...problems, '"error" is not an object'];
  const e = error as Record<string, unknown>;
  const extra = Object.keys(e).filter((k) => !['code', 'message', 'details'].includes(k));
  if (extra.length) problems.push(`unexpected error keys ${JSON.stringify(extra)}`);
  if (typeof e.code !== 'string' || !/^[a-z_]+$/.test(e.code)) problems.push(`code ${JSON.stringify(e.code)} is not a snake_case string`);
  if (typeof e.message !== 'string' || e.message.length === 0) problems.push('message is not a non-empty string');
  if (e.code === 'internal') problems.push('code is "internal"');
  return problems;
}

/** Columns that change on purpose while refusing (a token's last use) and tables a refusal may write by design. */
const VOLATILE_COLUMNS: Record<string, string[]> = { api_tokens: ['last_used_at'] };
/** Failed sign-ins are recorded to throttle guessing; rate budgets count calls to Kustomer. */
const WRITTEN_BY_REFUSALS = new Set(['login_failures', 'rate_budgets', 'worker_heartbeats']);

let tables: string[] | null = null;

/** One fingerprint of every application table (row count and an order-independent hash of the rows). */
export async function fingerprint(db: Db): Promise<Record<string, string>> {
  tables ??= (
    await sql<{
      name: string;
    }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db)
  ).rows
    .map((r) => r.name)
    .filter((name) => !WRITTEN_BY_REFUSALS.has(name) && !name.startsWith('kysely_') && !name.startsWith('schema_'));
  const parts = tables.map((name) => {
    const drop = (VOLATILE_COLUMNS[name] ?? []).map((c) => ` - '${c}'`).join('');
    return `select '${name}' as name, count(*)::text || ':' || coalesce(md5(string_agg(md5((to_jsonb(t)${drop})::text), ',' order by md5((to_jsonb(t)${drop})::text))), '') as sum from "${name}" t`;
  });
  // Jobs: a refusal must not enqueue work (nothing runs them here, so they change only when added or replaced).
  parts.push(
    `select 'graphile_worker jobs' as name, count(*)::text || ':' || coalesce(md5(string_agg(id::text || task_identifier || coalesce(key, ''), ',' order by id)), '') as sum from graphile_worker.jobs`,
  );
  const rows = (await sql<{ name: string; sum: string }>`${sql.raw(parts.join(' union all '))}`.execute(db)).rows;
  return Object.fromEntries(rows.map((r) => [r.name, r.sum]));
}

/**
 * The cluster's next transaction id. A statement that writes takes one, so while it stays the same nothing was
 * written anywhere and the (slower) fingerprint need not be taken again. Other databases of the cluster move it
 * too; then the fingerprint decides.
 */
export async function writeMark(db: Db): Promise<string> {
  return (await sql<{ x: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as x`.execute(db)).rows[0]!.x;
}

/** The tables whose fingerprint differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
}
