/**
 * "Did you mean …?" suggestions for mistyped flags, keys and choices.
 *
 * @module
 */

/**
 * Edit distance between two strings counting insertions, deletions, substitutions and swaps of two
 * neighbouring characters (optimal string alignment), so that "trails" is one edit from "trials".
 */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate nearest to `word`, if it is close enough to be a plausible typo
 * (at most a third of the word's length in edits, and at least 2 allowed); else undefined.
 *
 * @example
 * ```ts
 * import { closest } from "./suggest.ts";
 * closest("fault-rat", ["fault-rate", "fault-density"]); // "fault-rate"
 * ```
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
