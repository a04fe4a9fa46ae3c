/**
 * Kustomer ids are 24-hex Mongo ObjectIds (docs/kustomer.md §6): 4 bytes of creation time in seconds, then 8 random bytes. The
 * time part uses the injected clock so ids sort by creation like the real ones.
 */
import { randomBytes } from 'node:crypto';

export function newObjectId(now: Date): string {
  const seconds = Math.floor(now.getTime() / 1000) >>> 0;
  return seconds.toString(16).padStart(8, '0') + randomBytes(8).toString('hex');
}

/** A new record's id and creation time (also its first update), from the injected clock. */
export function created(deps: { now: () => Date }) {
  const at = deps.now().toISOString();
  return { id: newObjectId(deps.now()), createdAt: at, updatedAt: at };
}
