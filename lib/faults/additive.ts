/**
 * The authors' corruption: about `density` of a buffer's entries each get U(−amplitude, amplitude)
 * added (their run: density 0.005, amplitude 5).
 *
 * @example
 * ```ts
 * import { Rng } from "../random/rng.ts";
 * import { additiveModel } from "./additive.ts";
 * const block = new Float32Array(2000);
 * additiveModel({ density: 0.005 }).corrupt(block, Rng.named(1, "faults")).entries; // 10
 * ```
 *
 * @module
 */

import type { Rng } from "../random/rng.ts";
import type { Float } from "../tensor/matrix.ts";
import { type Change, type ChangeSink, ChangeTally, type FaultModel, faultyEntries } from "./model.ts";

/** Parameters of {@link additiveModel}. */
export interface AdditiveParams {
  /** Fraction of the entries changed (at least one). */
  readonly density: number;
  /** Half-width of the uniform noise (default 5). */
  readonly amplitude?: number;
}

/** The additive U(−a, a) model; see the module documentation. */
export function additiveModel(params: AdditiveParams): FaultModel {
  const { density, amplitude = 5 } = params;
  return {
    name: "additive",
    label: `additive U(−${amplitude}, ${amplitude}) on ${+(100 * density).toPrecision(3)} % of entries`,
    params: { density, amplitude },
    corrupt(target: Float, rng: Rng, sink?: ChangeSink): Change {
      const picked = rng.sample(target.length, faultyEntries(target.length, density));
      const tally = new ChangeTally(sink);
      for (const i of picked) {
        const old = target[i];
        target[i] = old + rng.uniform(-amplitude, amplitude);
        tally.note(i, old, target[i]);
      }
      return tally.change();
    },
  };
}
