/** Small pure helpers for the admin forms. */

/** Only the keys whose value differs from `before`: PATCH sends just what changed. */
export function changedFields<T extends object>(before: object, after: T): Partial<T> {
  const old = before as Record<string, unknown>;
  const out: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    if (JSON.stringify(after[key]) !== JSON.stringify(old[key])) out[key] = after[key];
  }
  return out;
}

/** "" → null for optional text fields. */
export const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());
