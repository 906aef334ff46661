/**
 * Softmax cross-entropy on the logits of the output layer, row by row, in float64 arithmetic
 * (max-shifted log-sum-exp):
 *
 * - forward:  loss_i = log Σ_k exp(z_ik) − z_{i,y_i}; returns the sum over rows and the number
 *   of rows whose largest logit is the label (ties go to the lowest index);
 * - backward: δ_i = onehot(y_i) − softmax(z_i), the negative gradient, as in the paper.
 *
 * @module
 */

import type { Matrix } from "../tensor/matrix.ts";

/** Loss sum and correct predictions of a batch. */
export interface BatchScore {
  /** Σ over rows of the cross-entropy loss (divide by the rows for the mean). */
  lossSum: number;
  /** Rows whose arg-max logit equals the label. */
  correct: number;
}

/** Loss sum and correct count of `logits` (B × classes) against `labels` (first B entries). */
export function softmaxCrossEntropyForward(logits: Matrix, labels: ArrayLike<number>): BatchScore {
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < logits.rows; i++) {
    const base = logits.offset + i * logits.ld;
    let max = -Infinity;
    let arg = 0;
    for (let k = 0; k < logits.cols; k++) {
      const z = logits.data[base + k];
      if (z > max) {
        max = z;
        arg = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < logits.cols; k++) sum += Math.exp(logits.data[base + k] - max);
    lossSum += Math.log(sum) + max - logits.data[base + labels[i]];
    if (arg === labels[i]) correct++;
  }
  return { lossSum, correct };
}

/** delta ← onehot(labels) − softmax(logits), row by row (delta may be `logits` itself). */
export function softmaxCrossEntropyBackward(logits: Matrix, labels: ArrayLike<number>, delta: Matrix): void {
  if (delta.rows !== logits.rows || delta.cols !== logits.cols) {
    throw new RangeError(
      `softmax backward: logits ${logits.rows}×${logits.cols}, delta ${delta.rows}×${delta.cols}`,
    );
  }
  for (let i = 0; i < logits.rows; i++) {
    const zi = logits.offset + i * logits.ld;
    const di = delta.offset + i * delta.ld;
    let max = -Infinity;
    for (let k = 0; k < logits.cols; k++) max = Math.max(max, logits.data[zi + k]);
    let sum = 0;
    for (let k = 0; k < logits.cols; k++) sum += Math.exp(logits.data[zi + k] - max);
    for (let k = 0; k < logits.cols; k++) {
      const p = Math.exp(logits.data[zi + k] - max) / sum;
      delta.data[di + k] = (k === labels[i] ? 1 : 0) - p;
    }
  }
}

/**
 * Forward and backward in one pass: returns the score of {@link softmaxCrossEntropyForward} and
 * writes the δ of {@link softmaxCrossEntropyBackward} (delta may be `logits` itself), with the
 * same float64 arithmetic as those two (each exponential is computed once and reused).
 */
export function softmaxCrossEntropyStep(
  logits: Matrix,
  labels: ArrayLike<number>,
  delta: Matrix,
): BatchScore {
  if (delta.rows !== logits.rows || delta.cols !== logits.cols) {
    throw new RangeError(
      `softmax step: logits ${logits.rows}×${logits.cols}, delta ${delta.rows}×${delta.cols}`,
    );
  }
  const cols = logits.cols;
  const e = new Float64Array(cols);
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < logits.rows; i++) {
    const zi = logits.offset + i * logits.ld;
    const di = delta.offset + i * delta.ld;
    let max = -Infinity;
    let arg = 0;
    for (let k = 0; k < cols; k++) {
      const z = logits.data[zi + k];
      if (z > max) {
        max = z;
        arg = k;
      }
    }
    // The reference backward takes Math.max, which is NaN as soon as one logit is.
    for (let k = 0; k < cols; k++) if (Number.isNaN(logits.data[zi + k])) max = NaN;
    let sum = 0;
    for (let k = 0; k < cols; k++) {
      e[k] = Math.exp(logits.data[zi + k] - max);
      sum += e[k];
    }
    const label = labels[i];
    lossSum += Math.log(sum) + max - logits.data[zi + label];
    if (arg === label) correct++;
    for (let k = 0; k < cols; k++) delta.data[di + k] = (k === label ? 1 : 0) - e[k] / sum;
  }
  return { lossSum, correct };
}
