/**
 * One step of plain SGD on the batch-mean softmax cross-entropy, the paper's training step for any
 * batch size b ≥ 1 (b = 1 is the paper's setting):
 *
 * forward through every layer; δ_L = onehot(y) − softmax(z); then for l = L−1 … 0:
 * c = δ_l·W_l (with W_l *before* its update) and δ_{l−1} = c ∘ ReLU′ (skipped for l = 0, whose
 * input needs no signal), then W_l += (η/b)·δ_lᵀ·x_l and b_l += (η/b)·Σ δ_l.
 *
 * Every distributed strategy must reproduce exactly this sequence.
 *
 * @example
 * ```ts
 * import { sgdStep } from "./sgd.ts";
 * // fill ws.input's first b rows and labels, then:
 * // const { lossSum } = sgdStep(kernels, net, ws.rows(b), labels, 0.1);
 * ```
 *
 * @module
 */

import type { Kernels } from "../tensor/kernels.ts";
import { mlpForward } from "./forward.ts";
import { linearBackward, linearUpdate } from "./linear.ts";
import type { Mlp } from "./mlp.ts";
import { reluBackward } from "./relu.ts";
import {
  type BatchScore,
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
} from "./softmax-cross-entropy.ts";
import type { BatchBuffers } from "./workspace.ts";

/** One SGD step with learning rate `lr` on the batch in `buf`; returns its score before the update. */
export function sgdStep(
  k: Kernels,
  net: Mlp,
  buf: BatchBuffers,
  labels: ArrayLike<number>,
  lr: number,
): BatchScore {
  const layers = net.weights.length;
  if (buf.deltas.length !== layers) throw new RangeError("sgdStep needs a workspace with signal buffers");
  const logits = mlpForward(k, net, buf);
  const score = softmaxCrossEntropyForward(logits, labels);
  softmaxCrossEntropyBackward(logits, labels, buf.deltas[layers - 1]);
  const alpha = lr / logits.rows;
  for (let l = layers - 1; l >= 0; l--) {
    if (l > 0) {
      linearBackward(k, buf.deltas[l], net.weights[l], buf.deltas[l - 1]);
      reluBackward(buf.deltas[l - 1], buf.acts[l]);
    }
    linearUpdate(k, alpha, buf.deltas[l], buf.acts[l], net.weights[l], net.biases[l]);
  }
  return score;
}
