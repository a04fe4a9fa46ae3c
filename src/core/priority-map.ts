/**
 * Which destination priority each request priority becomes: one number per request priority, within the
 * destination's range. The admin may change a connection's map; without one the provider's default applies. No I/O.
 */
import { z } from 'zod';
import { PRIORITIES, type Priority } from './request.ts';

const Level = z.number().int();

/** The stored and sent shape; the range check depends on the destination (`priorityMapProblems`). */
export const PriorityMap = z.strictObject({ low: Level, medium: Level, high: Level, urgent: Level });
export type PriorityMap = z.infer<typeof PriorityMap>;

export interface PriorityRange {
  min: number;
  max: number;
}

export interface PriorityMapProblem {
  priority: Priority;
  message: string;
}

/** Each request priority whose number the destination does not take, with why; empty when the map works. */
export function priorityMapProblems(map: PriorityMap, range: PriorityRange): PriorityMapProblem[] {
  return PRIORITIES.filter((p) => !Number.isInteger(map[p]) || map[p] < range.min || map[p] > range.max).map((p) => ({
    priority: p,
    message: `${p[0]!.toUpperCase()}${p.slice(1)} must be a whole number from ${range.min} to ${range.max} (got ${map[p]})`,
  }));
}

/**
 * The map a connection uses: its own when it has a valid one, else the default. A stored map that no longer fits
 * the range (it cannot be saved that way) falls back too, so an escalation never carries a priority the destination
 * refuses.
 */
export function effectivePriorityMap(stored: unknown, fallback: PriorityMap, range: PriorityRange): PriorityMap {
  const parsed = PriorityMap.safeParse(stored);
  return parsed.success && priorityMapProblems(parsed.data, range).length === 0 ? parsed.data : fallback;
}

export const destinationPriority = (map: PriorityMap, p: Priority): number => map[p];
