/**
 * The network's forward pass over a batch already in the workspace's input rows, and its score
 * (loss sum and correct predictions) against labels: what evaluation runs.
 *
 * @module
 */

import type { Kernels } from "../tensor/kernels.ts";
import type { Matrix } from "../tensor/matrix.ts";
import { linearForward } from "./linear.ts";
import type { Mlp } from "./mlp.ts";
import { type BatchScore, softmaxCrossEntropyForward } from "./softmax-cross-entropy.ts";
import type { BatchBuffers } from "./workspace.ts";

/** Runs every layer on `buf.acts[0]`; returns the logits (`buf.acts[L]`). */
export function mlpForward(k: Kernels, net: Mlp, buf: BatchBuffers): Matrix {
  const layers = net.weights.length;
  for (let l = 0; l < layers; l++) {
    linearForward(k, buf.acts[l], net.weights[l], net.biases[l], buf.acts[l + 1], l + 1 < layers);
  }
  return buf.acts[layers];
}

/** Forward pass and softmax cross-entropy score of the batch against `labels`. */
export function mlpScore(k: Kernels, net: Mlp, buf: BatchBuffers, labels: ArrayLike<number>): BatchScore {
  return softmaxCrossEntropyForward(mlpForward(k, net, buf), labels);
}
