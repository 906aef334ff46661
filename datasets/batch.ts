/**
 * Turning samples into network inputs: pixel normalisation and copying a batch of images (chosen
 * by index) into a sample-major matrix, one image per row.
 *
 * @example
 * ```ts
 * import { fillBatch, pixelTable } from "./batch.ts";
 * // x: a B × 784 matrix from kernels.matrix(); y: an Int32Array of B labels
 * // fillBatch(train, indices, pixelTable("255", "float32"), x, y);
 * ```
 *
 * @module
 */

import type { DType, Float, Matrix } from "../lib/tensor/matrix.ts";
import { allocFloat } from "../lib/tensor/matrix.ts";
import { featuresOf, type ImageDataset } from "./dataset.ts";

/** Pixel scaling: "255" maps bytes to [0, 1] (the default), "128" to [0, 1.99] (the authors' code). */
export type Normalization = "255" | "128";

/** The divisor of a normalisation. */
export function pixelDivisor(normalize: Normalization): number {
  return normalize === "128" ? 128 : 255;
}

/**
 * The 256 normalised pixel values, `table[b] = b / divisor`, rounded once to `dtype`. Every input
 * passes through this table, so all strategies see bit-identical inputs.
 */
export function pixelTable(normalize: Normalization, dtype: DType): Float {
  const table = allocFloat(dtype, 256);
  const d = pixelDivisor(normalize);
  for (let b = 0; b < 256; b++) table[b] = b / d;
  return table;
}

/**
 * Copies the images `indices` of `data` into the first `indices.length` rows of `x` (normalised
 * through `table`) and their labels into `labels`.
 */
export function fillBatch(
  data: ImageDataset,
  indices: ArrayLike<number>,
  table: Float,
  x: Matrix,
  labels: Int32Array,
): void {
  const f = featuresOf(data);
  const b = indices.length;
  if (x.cols !== f || x.rows < b || labels.length < b) {
    throw new RangeError(
      `batch of ${b} images of ${f} pixels does not fit a ${x.rows}×${x.cols} matrix and ${labels.length} labels`,
    );
  }
  const px = data.pixels;
  const out = x.data;
  for (let r = 0; r < b; r++) {
    const i = indices[r];
    if (!(i >= 0 && i < data.count)) throw new RangeError(`sample ${i} outside ${data.name} (${data.count})`);
    const src = i * f;
    const dst = x.offset + r * x.ld;
    for (let j = 0; j < f; j++) out[dst + j] = table[px[src + j]];
    labels[r] = data.labels[i];
  }
}
