import type { TSESTree } from '@typescript-eslint/typescript-estree';

/** Index of the first node starting at or after `offset` in a list sorted by start (the length when none does). */
export function firstStartingAt(sorted: readonly { range: TSESTree.Range }[], offset: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle].range[0] < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}
