/**
 * Edits from `a` to `b`: insertions, deletions, substitutions, and swaps of two neighbours
 * (optimal string alignment), since a swapped pair (`sevre`) is the commonest typo of all.
 */
export function editDistance(a: string, b: string): number {
  // Three rows of the table: two back for swaps, one back, and the one being filled.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate `name` was most likely meant to be, or `undefined` when none is close: at most
 * two edits away, and at most one per three characters of `name`, so that a short word is not
 * "corrected" into an unrelated one. Ties go to the earlier candidate.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const allowed = Math.min(2, Math.max(1, Math.floor(name.length / 3)));
  let closest: string | undefined;
  let closestDistance = allowed + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < closestDistance) {
      closest = candidate;
      closestDistance = distance;
    }
  }
  return closest;
}
