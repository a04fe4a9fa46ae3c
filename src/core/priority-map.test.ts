import { describe, expect, it } from 'vitest';
import { destinationPriority, effectivePriorityMap, priorityMapProblems } from './priority-map.ts';

const RANGE = { min: 1, max: 5 };
const DEFAULT = { low: 2, medium: 3, high: 4, urgent: 5 };

describe('the priority map', () => {
  it("accepts whole numbers within the destination's range, and names each priority that is not", () => {
    expect(priorityMapProblems({ low: 1, medium: 1, high: 5, urgent: 5 }, RANGE)).toEqual([]);
    expect(priorityMapProblems({ low: 0, medium: 3, high: 3.5, urgent: 9 }, RANGE).map((p) => p.priority)).toEqual(['low', 'high', 'urgent']);
    expect(priorityMapProblems({ low: 0, medium: 3, high: 4, urgent: 5 }, RANGE)[0]!.message).toBe('Low must be a whole number from 1 to 5 (got 0)');
  });

  it('uses the stored map when it is valid, and the default when there is none or it does not fit', () => {
    expect(effectivePriorityMap({ low: 1, medium: 2, high: 3, urgent: 4 }, DEFAULT, RANGE)).toEqual({ low: 1, medium: 2, high: 3, urgent: 4 });
    expect(effectivePriorityMap(null, DEFAULT, RANGE)).toEqual(DEFAULT);
    expect(effectivePriorityMap({ low: 1, medium: 2, high: 3 }, DEFAULT, RANGE)).toEqual(DEFAULT);
    expect(effectivePriorityMap({ low: 1, medium: 2, high: 3, urgent: 7 }, DEFAULT, RANGE)).toEqual(DEFAULT);
    expect(destinationPriority(DEFAULT, 'medium')).toBe(3);
  });
});
