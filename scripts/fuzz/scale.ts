/**
 * Sizes for hostile shapes. A large one (100,000 siblings, a 2 MB string)
 * costs as much as a thousand small ones, so each size is drawn
 * SIZE_RARITY times less often than the one below it: a million-case campaign
 * still meets the largest shapes many times, and spends its time on variety.
 */
import type { Rng } from '../rng.js';

export const SIZE_RARITY = 20;

/** One of `sizes` (smallest first): the first with probability about 1 - 1/SIZE_RARITY, each next one SIZE_RARITY times rarer. */
export function sized(rng: Rng, sizes: readonly number[]): number {
  let k = 0;
  while (k < sizes.length - 1 && rng.chance(1 / SIZE_RARITY)) k++;
  return sizes[k]!;
}
