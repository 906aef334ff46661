/**
 * Activation memory of a network for batches of up to `capacity` samples, allocated once through
 * the kernels: the layer outputs `acts[l]` (acts[0] is the input batch) and the back-propagated
 * signals `deltas[l]` (the negative loss gradient with respect to layer l's pre-activation).
 * A batch of b ≤ capacity samples uses the first b rows of each (see {@link Workspace.rows}).
 * A workspace for evaluation only (`signals: false`) holds no signal buffers.
 *
 * @module
 */

import type { Kernels } from "../tensor/kernels.ts";
import type { DType, Matrix } from "../tensor/matrix.ts";
import { checkWidths } from "./mlp.ts";

/** Row views of a workspace for one batch. */
export interface BatchBuffers {
  /** acts[0] = input (b × N_0), acts[l+1] = output of layer l (b × N_{l+1}). */
  readonly acts: readonly Matrix[];
  /** deltas[l] = signal at layer l's output (b × N_{l+1}); empty in an evaluation-only workspace. */
  readonly deltas: readonly Matrix[];
}

/** Activation buffers for batches of up to `capacity` samples. */
export class Workspace {
  /** Largest batch the buffers hold. */
  readonly capacity: number;
  readonly #acts: Matrix[];
  readonly #deltas: Matrix[];

  /**
   * Allocates buffers for `widths` and batches of up to `capacity` samples in `dtype`; with
   * `signals: false`, only the activations (enough for forward passes).
   */
  constructor(
    k: Kernels,
    widths: readonly number[],
    capacity: number,
    dtype: DType,
    options: { readonly signals?: boolean } = {},
  ) {
    checkWidths(widths);
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`bad batch capacity ${capacity}`);
    }
    this.capacity = capacity;
    this.#acts = widths.map((n) => k.matrix(capacity, n, dtype));
    this.#deltas = options.signals === false ? [] : widths.slice(1).map((n) => k.matrix(capacity, n, dtype));
  }

  /** The full-capacity input matrix (capacity × N_0), to be filled with a batch. */
  get input(): Matrix {
    return this.#acts[0];
  }

  /** Views of the first `b` rows of every buffer. */
  rows(b: number): BatchBuffers {
    if (!(Number.isInteger(b) && b >= 1 && b <= this.capacity)) {
      throw new RangeError(`batch of ${b} outside the workspace's capacity ${this.capacity}`);
    }
    const first = (m: Matrix) => (b === this.capacity ? m : m.view(0, 0, b, m.cols));
    return { acts: this.#acts.map(first), deltas: this.#deltas.map(first) };
  }
}
