/**
 * Sizes for hostile shapes. A large one (100,000 siblings, a 2 MB string)
 * costs as much as a thousand small ones, so it is drawn rarely: a campaign
 * still meets every large shape many times, and spends its time on variety.
 */
import type { Rng } from '../rng.js';

/** How often a hostile shape is drawn at its large sizes. */
export const LARGE_CHANCE = 1 / 50;

export function sized(rng: Rng, small: readonly number[], large: readonly number[]): number {
  return rng.chance(LARGE_CHANCE) ? rng.pick(large) : rng.pick(small);
}
