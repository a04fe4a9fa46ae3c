/** A small seeded random source (mulberry32), so a chaos run's choices can be replayed with --seed. */
export { seededRandom } from '../../bench/seeded-random.ts';

export type Rng = () => number;

/** A uniform draw in [min, max). */
export const between = (rng: Rng, min: number, max: number) => min + (max - min) * rng();
