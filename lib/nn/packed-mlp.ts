/**
 * The fast path of the reference trainer: the same SGD step as lib/nn/sgd.ts, with the input
 * layer's weights kept pre-packed in the kernels' input-weights layout (lib/tensor/input-weights.ts)
 * and all element-wise work in the kernels:
 *
 * forward: S₁ = X·W₀ᵀ on the packed W₀ (no re-packing), bias+ReLU fused; the other layers as in
 * `linearForward`. Backward: δ_L = onehot − softmax in one pass (softmaxCrossEntropyStep), then
 * for l = L−1 … 0: c = δ_l·W_l (W_l before its update), δ_{l−1} = c ∘ ReLU′ (kernels'
 * `reluBackward`), W_l += (η/b)·δ_lᵀ·x_l (`inputUpdate` on the packed W₀, `rankUpdate` otherwise)
 * and b_l += (η/b)·Σ δ_l (`addColumnSums`, bit-identical to `biasUpdate`).
 *
 * The order of operations is the reference's; the sums inside the products may be formed in a
 * different order than `sgdStep` forms them, so float32 weights agree with the reference to
 * rounding, not bit for bit (the centralized trainer uses this path for float32 only).
 *
 * @module
 */

import type { InputWeights } from "../tensor/input-weights.ts";
import type { Kernels } from "../tensor/kernels.ts";
import type { Matrix } from "../tensor/matrix.ts";
import { linearBackward, linearForward } from "./linear.ts";
import type { Mlp } from "./mlp.ts";
import {
  type BatchScore,
  softmaxCrossEntropyForward,
  softmaxCrossEntropyStep,
} from "./softmax-cross-entropy.ts";
import type { BatchBuffers } from "./workspace.ts";

/** A network whose input layer lives in the kernels' input-weights layout. */
export class PackedMlp {
  /** W₀ in the kernels' layout; `net.weights[0]` is only up to date after {@link sync}. */
  input: InputWeights;

  /** Packs the input layer of `net` (which keeps every other parameter, shared). */
  constructor(readonly kernels: Kernels, readonly net: Mlp) {
    this.input = kernels.inputWeights(net.weights[0]);
  }

  /** Copies the packed W₀ back into `net.weights[0]`, so that `net` holds every current parameter. */
  sync(): Mlp {
    this.kernels.readInputWeights(this.input, this.net.weights[0]);
    return this.net;
  }

  /** Re-packs W₀ from `net.weights[0]` after the plain parameters were replaced (a restored checkpoint). */
  load(): void {
    this.input = this.kernels.inputWeights(this.net.weights[0]);
  }

  /** Forward pass over `buf.acts[0]`; returns the logits (`buf.acts[L]`). */
  forward(buf: BatchBuffers): Matrix {
    const { kernels: k, net } = this;
    const layers = net.weights.length;
    k.inputForward(buf.acts[0], this.input, buf.acts[1]);
    if (layers > 1) k.biasRelu(buf.acts[1], net.biases[0]);
    else k.biasAdd(buf.acts[1], net.biases[0]);
    for (let l = 1; l < layers; l++) {
      linearForward(k, buf.acts[l], net.weights[l], net.biases[l], buf.acts[l + 1], l + 1 < layers);
    }
    return buf.acts[layers];
  }

  /** Forward pass and softmax cross-entropy score of the batch against `labels`. */
  score(buf: BatchBuffers, labels: ArrayLike<number>): BatchScore {
    return softmaxCrossEntropyForward(this.forward(buf), labels);
  }

  /** One SGD step with learning rate `lr` on the batch in `buf`; returns its score before the update. */
  step(buf: BatchBuffers, labels: ArrayLike<number>, lr: number): BatchScore {
    const { kernels: k, net } = this;
    const layers = net.weights.length;
    if (buf.deltas.length !== layers) {
      throw new RangeError("PackedMlp.step needs a workspace with signal buffers");
    }
    const logits = this.forward(buf);
    const score = softmaxCrossEntropyStep(logits, labels, buf.deltas[layers - 1]);
    const alpha = lr / logits.rows;
    for (let l = layers - 1; l >= 0; l--) {
      const delta = buf.deltas[l];
      if (l > 0) {
        linearBackward(k, delta, net.weights[l], buf.deltas[l - 1]);
        k.reluBackward(buf.deltas[l - 1], buf.acts[l]);
        k.rankUpdate(alpha, delta, buf.acts[l], net.weights[l]);
      } else {
        k.inputUpdate(alpha, delta, buf.acts[0], this.input);
      }
      k.addColumnSums(alpha, delta, net.biases[l]);
    }
    return score;
  }
}
