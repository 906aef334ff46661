/**
 * The authors' corruption: about `density` of a buffer's entries each get U(−5, 5) added.
 *
 * @module
 */

import type { Rng } from "../random/rng.ts";
import type { Float } from "../tensor/matrix.ts";

/** What one corruption changed. */
export interface Change {
  /** Entries changed. */
  readonly entries: number;
  /** First changed index, its old and new value (enough to recognise it in a log). */
  readonly index: number;
  readonly old: number;
  readonly new: number;
  /** Largest |new − old| over the changed entries. */
  readonly maxAbsDelta: number;
}

/** Number of entries a fault of `density` changes in a buffer of `length` (at least one). */
export function faultyEntries(length: number, density: number): number {
  return Math.max(1, Math.min(length, Math.round(density * length)));
}

/**
 * Adds U(−5, 5) to `faultyEntries(target.length, density)` distinct entries chosen uniformly.
 * Draws come from `rng`, so a fault is reproducible from the node's stream.
 */
export function addUniformNoise(target: Float, density: number, rng: Rng, amplitude = 5): Change {
  const k = faultyEntries(target.length, density);
  const picked = rng.sample(target.length, k);
  let maxAbsDelta = 0;
  let first: { index: number; old: number; new: number } | undefined;
  for (const i of picked) {
    const old = target[i];
    target[i] = old + rng.uniform(-amplitude, amplitude);
    maxAbsDelta = Math.max(maxAbsDelta, Math.abs(target[i] - old));
    first ??= { index: i, old, new: target[i] };
  }
  return { entries: k, maxAbsDelta, ...first! };
}
