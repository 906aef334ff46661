/**
 * Faults that multiply struck entries: `sign-flip` (×−1) and `scale` (×(1 ± p/100), the sign drawn
 * per entry): a wrong result of the right order of magnitude, the hardest kind to see.
 *
 * @example
 * ```ts
 * import { Rng } from "../random/rng.ts";
 * import { multiplyModel } from "./multiply.ts";
 * const a = new Float64Array([2]);
 * multiplyModel("scale", { percent: 10 }).corrupt(a, Rng.named(1, "f")); // a[0] is 1.8 or 2.2
 * ```
 *
 * @module
 */

import type { Rng } from "../random/rng.ts";
import type { Float } from "../tensor/matrix.ts";
import {
  type Change,
  type ChangeSink,
  ChangeTally,
  entriesLabel,
  type FaultModel,
  pickEntries,
} from "./model.ts";

/** The multiplicative faults. */
export const MULTIPLY_KINDS = ["sign-flip", "scale"] as const;
/** A multiplicative fault. */
export type MultiplyKind = typeof MULTIPLY_KINDS[number];

/** Parameters of {@link multiplyModel}. */
export interface MultiplyParams {
  /** Fraction of the entries struck (default: one entry). */
  readonly density?: number;
  /** `scale`: the change in percent, applied with a random sign (default 10). */
  readonly percent?: number;
}

/** The multiplicative model `kind`; see the module documentation. */
export function multiplyModel(kind: MultiplyKind, params: MultiplyParams = {}): FaultModel {
  const { density, percent = 10 } = params;
  const what = kind === "sign-flip" ? "negated" : `scaled by 1 ± ${percent} %`;
  return {
    name: kind,
    label: `${kind}: ${entriesLabel(density)} ${what}`,
    params: {
      ...(density === undefined ? {} : { density }),
      ...(kind === "scale" ? { percent } : {}),
    },
    corrupt(target: Float, rng: Rng, sink?: ChangeSink): Change {
      const tally = new ChangeTally(sink);
      for (const i of pickEntries(target.length, density, rng)) {
        const old = target[i];
        const factor = kind === "sign-flip" ? -1 : 1 + (rng.bernoulli(0.5) ? percent : -percent) / 100;
        target[i] = old * factor;
        tally.note(i, old, target[i]);
      }
      return tally.change();
    },
  };
}
