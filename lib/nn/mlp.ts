/**
 * The multilayer perceptron: widths N_0 (input), N_1, …, N_L (classes); layer l (0-based) maps
 * N_l inputs to N_{l+1} outputs with weights W_l (N_{l+1} × N_l, output-major, as in the paper's
 * `s = W x`) and bias b_l, followed by ReLU on every layer but the last, whose outputs are the
 * logits of a softmax. Weights and biases live in the kernels' own memory.
 *
 * @example
 * ```ts
 * import { createMlp } from "./mlp.ts";
 * import { naiveKernels } from "../tensor/naive.ts";
 * const net = createMlp(naiveKernels, { widths: [784, 64, 10], dtype: "float32", init: "he", seed: 1 });
 * net.weights[0].rows; // 64
 * ```
 *
 * @module
 */

import type { Kernels } from "../tensor/kernels.ts";
import type { DType, Float, Matrix } from "../tensor/matrix.ts";
import { fillInitialWeights, type InitScheme, philoxSourceOf } from "./init.ts";

/** What defines a network and its initial weights. */
export interface MlpSpec {
  /** Layer widths, input first, classes last (at least two entries). */
  readonly widths: readonly number[];
  /** Storage precision of weights and activations. */
  readonly dtype: DType;
  /** Initialisation scheme of the weights (biases start at zero). */
  readonly init: InitScheme;
  /** Seed of the initial weights. */
  readonly seed: number;
}

/** A network's parameters. */
export interface Mlp {
  /** Layer widths, input first. */
  readonly widths: readonly number[];
  /** Storage precision. */
  readonly dtype: DType;
  /** W_l, N_{l+1} × N_l, for l = 0 … L−1. */
  readonly weights: readonly Matrix[];
  /** b_l, N_{l+1} entries. */
  readonly biases: readonly Float[];
}

/** Checks a width list; throws a RangeError naming the problem. */
export function checkWidths(widths: readonly number[]): void {
  if (widths.length < 2) throw new RangeError(`an MLP needs at least 2 widths, got ${widths.length}`);
  for (const n of widths) {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`layer width ${n} is not a positive integer`);
  }
}

/**
 * A network with its initial weights (see `init.ts`; Philox blocks from the kernels' fastest
 * source, {@link philoxSourceOf}) and zero biases.
 */
export function createMlp(k: Kernels, spec: MlpSpec): Mlp {
  checkWidths(spec.widths);
  const weights: Matrix[] = [];
  const biases: Float[] = [];
  for (let l = 0; l + 1 < spec.widths.length; l++) {
    const fanIn = spec.widths[l];
    const fanOut = spec.widths[l + 1];
    const w = k.matrix(fanOut, fanIn, spec.dtype);
    fillInitialWeights(w, { seed: spec.seed, scheme: spec.init, layer: l, fanIn, fanOut }, philoxSourceOf(k));
    weights.push(w);
    biases.push(k.vector(fanOut, spec.dtype));
  }
  return { widths: [...spec.widths], dtype: spec.dtype, weights, biases };
}

/** Number of trainable parameters (weights and biases). */
export function parameterCount(widths: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < widths.length; l++) n += widths[l + 1] * (widths[l] + 1);
  return n;
}
