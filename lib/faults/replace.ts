/**
 * Faults that replace struck entries by a value: `zero` (a cleared register), `random-value`
 * (U(−amplitude, amplitude), garbage of the data's order), `nan`, `inf` and `neg-inf`
 * (non-finite results, e.g. an overflow or 0/0 on a bad node).
 *
 * @example
 * ```ts
 * import { Rng } from "../random/rng.ts";
 * import { replaceModel } from "./replace.ts";
 * const a = new Float64Array([1, 2, 3]);
 * replaceModel("nan").corrupt(a, Rng.named(1, "f")).maxAbsDelta; // NaN
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

/** The replacement faults. */
export const REPLACE_KINDS = ["zero", "random-value", "nan", "inf", "neg-inf"] as const;
/** A replacement fault. */
export type ReplaceKind = typeof REPLACE_KINDS[number];

/** Parameters of {@link replaceModel}. */
export interface ReplaceParams {
  /** Fraction of the entries struck (default: one entry). */
  readonly density?: number;
  /** `random-value`: half-width of the uniform replacement (default 5). */
  readonly amplitude?: number;
}

const FIXED: Record<Exclude<ReplaceKind, "random-value">, number> = {
  zero: 0,
  nan: NaN,
  inf: Infinity,
  "neg-inf": -Infinity,
};

/** The replacement model `kind`; see the module documentation. */
export function replaceModel(kind: ReplaceKind, params: ReplaceParams = {}): FaultModel {
  const { density, amplitude = 5 } = params;
  const what = kind === "random-value" ? `U(−${amplitude}, ${amplitude})` : String(FIXED[kind]);
  return {
    name: kind,
    label: `${kind}: ${entriesLabel(density)} set to ${what}`,
    params: {
      ...(density === undefined ? {} : { density }),
      ...(kind === "random-value" ? { amplitude } : {}),
    },
    corrupt(target: Float, rng: Rng, sink?: ChangeSink): Change {
      const tally = new ChangeTally(sink);
      for (const i of pickEntries(target.length, density, rng)) {
        const old = target[i];
        target[i] = kind === "random-value" ? rng.uniform(-amplitude, amplitude) : FIXED[kind];
        tally.note(i, old, target[i]);
      }
      return tally.change();
    },
  };
}
