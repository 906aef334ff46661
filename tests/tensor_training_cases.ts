/**
 * Conformance checks for the training-step kernels (addColumnSums, gatherBytes, and the input
 * weights: inputWeights / readInputWeights / inputForward / inputUpdate): every fast kernel set
 * against `naiveKernels` on seeded random cases, with shapes that are not multiples of the
 * register tile (6 × 8 f32, 6 × 4 f64) and that cross the cache blocks (KC = 256, MC = 120).
 *
 * @module
 */

import { Rng } from "../lib/random/rng.ts";
import type { Kernels } from "../lib/tensor/kernels.ts";
import { allocFloat, type DType, Matrix } from "../lib/tensor/matrix.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import { assert } from "./assert.ts";
import {
  type Alloc,
  assertPaddingIntact,
  assertSameMatrix,
  randomOperand,
  randomVector,
  twin,
} from "./tensor_cases.ts";

/** Input-weight shapes [batch, outputs, inputs]. */
export const INPUT_SHAPES: readonly [number, number, number][] = [
  [1, 1, 1],
  [1, 8, 6],
  [3, 7, 5],
  [5, 9, 13],
  [6, 16, 24],
  [13, 17, 70],
  [64, 33, 300],
  [130, 11, 257],
  [260, 10, 9],
  [20, 100, 90],
];

/** Checks addColumnSums (bit-identical to the float64-accumulating reference) and gatherBytes. */
export function checkTrainingElementwise(fast: Kernels, alloc: Alloc, dtype: DType, seed: number): void {
  const rng = Rng.named(seed, `training-${dtype}`);
  for (
    const [rows, cols] of [[1, 1], [1, 5], [7, 3], [9, 4], [3, 17], [5, 21], [64, 10], [64, 256], [13, 257]]
  ) {
    const a = randomOperand(alloc, rng, rows, cols, dtype);
    const y = randomVector(alloc, rng, cols, dtype);
    const expected = allocFloat(dtype, cols);
    expected.set(y);
    naiveKernels.addColumnSums(-0.0015, twin(a), expected);
    fast.addColumnSums(-0.0015, a, y);
    assert.deepEqual([...y], [...expected], `${fast.name} addColumnSums ${dtype} ${rows}×${cols}`);
  }

  const table = alloc(256, dtype);
  for (let b = 0; b < 256; b++) table[b] = b / 255;
  for (const [count, cols, batch] of [[5, 1, 3], [10, 7, 4], [40, 784, 17], [3, 29, 3]]) {
    const bytes = new Uint8Array(count * cols).map(() => rng.int(256));
    const indices = Int32Array.from({ length: batch }, () => rng.int(count));
    const x = randomOperand(alloc, rng, batch + 2, cols, dtype);
    const expected = twin(x);
    naiveKernels.gatherBytes(bytes, indices, table, expected);
    fast.gatherBytes(bytes, indices, table, x);
    assert.deepEqual([...x.toFloat64()], [...expected.toFloat64()], `${fast.name} gatherBytes ${dtype}`);
    assertPaddingIntact(x, `${fast.name} gatherBytes`);
  }
  // Mostly zero bytes (runs of sixteen zeros take a vector path) through a table with table[0] ≠ 0.
  const shifted = alloc(256, dtype);
  for (let b = 0; b < 256; b++) shifted[b] = b / 255 - 0.25;
  for (const [count, cols, batch] of [[30, 784, 9], [8, 47, 5], [6, 16, 6]]) {
    const bytes = new Uint8Array(count * cols).map(() => (rng.bernoulli(0.85) ? 0 : rng.int(256)));
    const indices = Int32Array.from({ length: batch }, () => rng.int(count));
    const x = randomOperand(alloc, rng, batch, cols, dtype);
    const expected = twin(x);
    naiveKernels.gatherBytes(bytes, indices, shifted, expected);
    fast.gatherBytes(bytes, indices, shifted, x);
    assert.deepEqual(
      [...x.toFloat64()],
      [...expected.toFloat64()],
      `${fast.name} gatherBytes zeros ${dtype}`,
    );
    assertPaddingIntact(x, `${fast.name} gatherBytes zeros`);
  }
  assert.throws(
    () => fast.gatherBytes(new Uint8Array(10), [2], table, fast.matrix(1, 5, dtype)),
    /row 2 outside the 2 rows/,
  );
}

/**
 * Sets each column of X to zero with probability `fraction` (as the border pixels of a batch of
 * images are), some entries −0; fraction 1 zeroes X.
 */
function zeroSomeColumns(x: Matrix, rng: Rng, fraction: number): void {
  for (let j = 0; j < x.cols; j++) {
    if (fraction === 1 || rng.bernoulli(fraction)) {
      for (let i = 0; i < x.rows; i++) x.set(i, j, rng.bernoulli(0.1) ? -0 : 0);
    }
  }
}

/**
 * Sets each entry of X to zero with probability `fraction` (as the background pixels of an image
 * are), some −0: a batch this sparse takes the sparse products of the wasm kernels.
 */
function zeroSomeEntries(x: Matrix, rng: Rng, fraction: number): void {
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) if (rng.bernoulli(fraction)) x.set(i, j, rng.bernoulli(0.1) ? -0 : 0);
  }
}

/** Checks the input weights: round trip, forward and update against the row-major reference. */
export function checkInputWeights(fast: Kernels, alloc: Alloc, dtype: DType, seed: number): void {
  const rng = Rng.named(seed, `input-weights-${dtype}`);
  for (
    const [[batch, outputs, inputs], sparsity, entries] of INPUT_SHAPES.flatMap((shape) =>
      [[0, 0], [0.4, 0], [1, 0], [0.3, 0.8], [0, 0.95]].map(([z, e]) => [shape, z, e] as const)
    )
  ) {
    const what = `${fast.name} ${dtype} B=${batch} W ${outputs}×${inputs}, ${sparsity * 100}% zero columns, ${
      entries * 100
    }% zero entries`;
    const w = randomOperand(alloc, rng, outputs, inputs, dtype);
    const packed = fast.inputWeights(w);
    const back = Matrix.zeros(outputs, inputs, dtype);
    fast.readInputWeights(packed, back);
    assert.deepEqual([...back.toFloat64()], [...w.toFloat64()], `${what}: round trip`);

    const x = randomOperand(alloc, rng, batch, inputs, dtype);
    zeroSomeColumns(x, rng, sparsity);
    zeroSomeEntries(x, rng, entries);
    const s = randomOperand(alloc, rng, batch, outputs, dtype);
    for (let i = 0; i < s.rows; i++) s.row(i).fill(NaN); // must be written, never read
    const expectedS = twin(s);
    naiveKernels.gemm(false, true, 1, twin(x), twin(w), 0, expectedS);
    fast.inputForward(x, packed, s);
    assertSameMatrix(s, expectedS, `${what}: inputForward`);
    assertPaddingIntact(s, `${what}: inputForward`);

    const delta = randomOperand(alloc, rng, batch, outputs, dtype);
    const expectedW = twin(w);
    naiveKernels.rankUpdate(-0.05, twin(delta), twin(x), expectedW);
    fast.inputUpdate(-0.05, delta, x, packed);
    fast.readInputWeights(packed, back);
    assertSameMatrix(back, expectedW, `${what}: inputUpdate`);
  }
  const packed = fast.inputWeights(fast.matrix(4, 3, dtype));
  assert.throws(
    () => fast.inputForward(fast.matrix(2, 4, dtype), packed, fast.matrix(2, 4, dtype)),
    /inputForward shapes/,
  );
  assert.throws(
    () => fast.inputUpdate(1, fast.matrix(2, 3, dtype), fast.matrix(2, 3, dtype), packed),
    /inputUpdate shapes/,
  );
}
