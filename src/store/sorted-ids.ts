/** The index of the first id in `sorted` that sorts after `after` (0 for null): where a page after a cursor starts. */
export function indexAfter(sorted: readonly string[], after: string | null): number {
  let low = 0;
  if (after === null) return low;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}
