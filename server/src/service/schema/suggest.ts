// "Did you mean …?" for misspelled field names and enum values.

/** Edit distance (insertions, deletions, substitutions), stopping early once it exceeds `max`. */
export function levenshtein(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidate the user most likely meant by `word`, or undefined when nothing is close enough.
 * Order of preference: same letters in another case, singular/plural of each other, then the
 * smallest edit distance within a budget that grows with the word's length (so short words
 * do not match everything).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const lower = word.toLowerCase();
  const sameCase = list.find((c) => c.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const plural = list.find((c) => {
    const l = c.toLowerCase();
    return l === `${lower}s` || `${l}s` === lower || l === `${lower}es` || `${l}es` === lower;
  });
  if (plural !== undefined) return plural;
  const budget = lower.length <= 3 ? 1 : lower.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = budget + 1;
  for (const c of list) {
    const d = levenshtein(lower, c.toLowerCase(), budget);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
