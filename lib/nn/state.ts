/**
 * Export and import of a network's parameters (weights and biases) as float64 copies, for
 * checkpoints, roll-backs and comparing the weights of different strategies. Float32 weights
 * survive the round trip exactly.
 *
 * @module
 */

import { Matrix } from "../tensor/matrix.ts";
import type { Mlp } from "./mlp.ts";

/** A network's parameters, independent of the kernels' memory. */
export interface MlpState {
  /** Layer widths, input first. */
  readonly widths: readonly number[];
  /** Row-major copies of W_l (N_{l+1} × N_l). */
  readonly weights: readonly Float64Array[];
  /** Copies of b_l. */
  readonly biases: readonly Float64Array[];
}

/** A float64 copy of the parameters of `net`. */
export function exportState(net: Mlp): MlpState {
  return {
    widths: [...net.widths],
    weights: net.weights.map((w) => w.toFloat64()),
    biases: net.biases.map((b) => Float64Array.from(b)),
  };
}

/** Overwrites the parameters of `net` with `state` (rounded to the net's precision). */
export function importState(net: Mlp, state: MlpState): void {
  if (state.widths.join(",") !== net.widths.join(",")) {
    throw new RangeError(`state of widths ${state.widths.join(",")} for a net of ${net.widths.join(",")}`);
  }
  net.weights.forEach((w, l) => w.copyFrom(new Matrix(state.weights[l], w.rows, w.cols)));
  net.biases.forEach((b, l) => b.set(state.biases[l]));
}
