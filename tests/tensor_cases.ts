/**
 * Shared conformance checks for the tensor kernels: every kernel of a fast implementation is run
 * on seeded random cases (tiny, odd and tile-crossing shapes, both transposes, strided views with
 * offsets, α/β variants) and compared with `naiveKernels` on copies of the same operands.
 *
 * Operands are views into a larger buffer whose other entries are NaN: a kernel that reads
 * outside its view (or reads C when β = 0) produces NaN, and one that writes outside it is
 * caught by {@link assertPaddingIntact}.
 *
 * @module
 */

import { Rng } from "../lib/random/rng.ts";
import type { Kernels } from "../lib/tensor/kernels.ts";
import { type DType, type Float, Matrix } from "../lib/tensor/matrix.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import { assert, assertClose } from "./assert.ts";

/** Allocates the backing memory of an operand (so tests can place operands in wasm memory or not). */
export type Alloc = (length: number, dtype: DType) => Float;

/** Norm-wise relative tolerance against the float64-accumulating reference. */
export function tolerance(dtype: DType): number {
  return dtype === "float32" ? 2e-5 : 1e-9;
}

/** A random rows × cols view with a random row padding and offset; everything else is NaN. */
export function randomOperand(
  alloc: Alloc,
  rng: Rng,
  rows: number,
  cols: number,
  dtype: DType,
  strided = true,
): Matrix {
  const pad = strided ? rng.int(4) : 0;
  const offset = strided ? rng.int(5) : 0;
  const ld = cols + pad;
  const data = alloc(offset + rows * ld + 3, dtype);
  data.fill(NaN);
  const m = new Matrix(data, rows, cols, ld, offset);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, rng.uniform(-1, 1));
  return m;
}

/** A random vector in its own allocation. */
export function randomVector(alloc: Alloc, rng: Rng, length: number, dtype: DType): Float {
  const x = alloc(length, dtype);
  for (let i = 0; i < length; i++) x[i] = rng.uniform(-1, 1);
  return x;
}

/** A copy of `m` in plain memory, with the same layout (so the reference sees the same view). */
export function twin(m: Matrix): Matrix {
  return new Matrix(m.data.slice(), m.rows, m.cols, m.ld, m.offset);
}

/** Fills a view with NaN (an output that must not be read when β = 0). */
export function poison(m: Matrix): void {
  for (let i = 0; i < m.rows; i++) m.row(i).fill(NaN);
}

/** Asserts that every backing entry outside the view is still NaN. */
export function assertPaddingIntact(m: Matrix, what: string): void {
  const inside = new Set<number>();
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) inside.add(m.offset + i * m.ld + j);
  for (let q = 0; q < m.data.length; q++) {
    if (!inside.has(q)) assert.ok(Number.isNaN(m.data[q]), `${what}: wrote outside the view at ${q}`);
  }
}

/** Asserts that two views hold the same elements within the dtype's tolerance. */
export function assertSameMatrix(actual: Matrix, expected: Matrix, what: string): void {
  const e = expected.toFloat64();
  assert.ok(e.every(Number.isFinite), `${what}: reference is not finite`);
  assertClose(actual.toFloat64(), e, tolerance(actual.dtype), what);
}

/** GEMM shapes [m, n, k]: tiny, not multiples of the tiles, and crossing the KC/MC/NC blocks. */
export const GEMM_SHAPES: readonly [number, number, number][] = [
  [1, 1, 1],
  [1, 9, 1],
  [1, 1, 17],
  [1, 13, 40],
  [5, 1, 3],
  [6, 8, 4],
  [7, 9, 5],
  [12, 16, 33],
  [13, 17, 70],
  [23, 31, 257],
  [130, 19, 300],
  [7, 4100, 3],
];

/** Checks `fast.gemm` on every shape, both transposes and several α/β. */
export function checkGemm(fast: Kernels, alloc: Alloc, dtype: DType, seed: number): void {
  const rng = Rng.named(seed, `gemm-${dtype}`);
  const scalars: [number, number][] = [[1, 0], [-0.7, 1], [2.5, 0.3]];
  for (const [m, n, k] of GEMM_SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const [alpha, beta] = scalars[rng.int(scalars.length)];
        const a = transA ? randomOperand(alloc, rng, k, m, dtype) : randomOperand(alloc, rng, m, k, dtype);
        const b = transB ? randomOperand(alloc, rng, n, k, dtype) : randomOperand(alloc, rng, k, n, dtype);
        const c = randomOperand(alloc, rng, m, n, dtype);
        if (beta === 0) poison(c);
        const expected = twin(c);
        naiveKernels.gemm(transA, transB, alpha, twin(a), twin(b), beta, expected);
        fast.gemm(transA, transB, alpha, a, b, beta, c);
        const what =
          `${fast.name} gemm ${dtype} ${m}×${n}×${k} transA=${transA} transB=${transB} α=${alpha} β=${beta}`;
        assertSameMatrix(c, expected, what);
        assertPaddingIntact(c, what);
      }
    }
  }
}

/** Level-2 shapes [rows, cols]: tiny, odd, and wider than a few vectors. */
export const LEVEL2_SHAPES: readonly [number, number][] = [
  [1, 1],
  [1, 7],
  [9, 1],
  [3, 5],
  [4, 8],
  [5, 9],
  [17, 33],
  [70, 131],
];

/** Checks `fast.gemv` (both ways, several α/β) and `fast.ger` on every level-2 shape. */
export function checkLevel2(fast: Kernels, alloc: Alloc, dtype: DType, seed: number): void {
  const rng = Rng.named(seed, `level2-${dtype}`);
  for (const [rows, cols] of LEVEL2_SHAPES) {
    for (const trans of [false, true]) {
      for (const [alpha, beta] of [[1, 0], [-1.5, 1], [0.5, -2]]) {
        const a = randomOperand(alloc, rng, rows, cols, dtype);
        const x = randomVector(alloc, rng, trans ? rows : cols, dtype);
        const y = randomVector(alloc, rng, trans ? cols : rows, dtype);
        if (beta === 0) y.fill(NaN);
        const expected = Float64Array.from(y);
        naiveKernels.gemv(trans, alpha, twin(a), Float64Array.from(x), beta, expected);
        fast.gemv(trans, alpha, a, x, beta, y);
        assertClose(
          y,
          expected,
          tolerance(dtype),
          `${fast.name} gemv ${dtype} ${rows}×${cols} trans=${trans} β=${beta}`,
        );
      }
    }
    const a = randomOperand(alloc, rng, rows, cols, dtype);
    const x = randomVector(alloc, rng, rows, dtype);
    const y = randomVector(alloc, rng, cols, dtype);
    const expected = twin(a);
    naiveKernels.ger(-0.3, x, y, expected);
    fast.ger(-0.3, x, y, a);
    assertSameMatrix(a, expected, `${fast.name} ger ${dtype} ${rows}×${cols}`);
    assertPaddingIntact(a, `${fast.name} ger`);
  }
}

/** Checks rankUpdate, biasAdd, biasRelu and reluBackward. */
export function checkLayerKernels(fast: Kernels, alloc: Alloc, dtype: DType, seed: number): void {
  const rng = Rng.named(seed, `layer-${dtype}`);
  for (const [rows, cols] of LEVEL2_SHAPES) {
    const batch = 1 + rng.int(9);
    const d = randomOperand(alloc, rng, batch, rows, dtype);
    const x = randomOperand(alloc, rng, batch, cols, dtype);
    const w = randomOperand(alloc, rng, rows, cols, dtype);
    const expectedW = twin(w);
    naiveKernels.rankUpdate(0.05, twin(d), twin(x), expectedW);
    fast.rankUpdate(0.05, d, x, w);
    assertSameMatrix(w, expectedW, `${fast.name} rankUpdate ${dtype} B=${batch} ${rows}×${cols}`);

    for (const kernel of ["biasAdd", "biasRelu"] as const) {
      const s = randomOperand(alloc, rng, rows, cols, dtype);
      const bias = randomVector(alloc, rng, cols, dtype);
      const expected = twin(s);
      naiveKernels[kernel](expected, bias);
      fast[kernel](s, bias);
      assertSameMatrix(s, expected, `${fast.name} ${kernel} ${dtype} ${rows}×${cols}`);
      assertPaddingIntact(s, `${fast.name} ${kernel}`);
    }

    const delta = randomOperand(alloc, rng, rows, cols, dtype);
    const z = randomOperand(alloc, rng, rows, cols, dtype);
    for (let i = 0; i < rows; i++) if (rng.bernoulli(0.3)) z.set(i, rng.int(cols), 0); // exact zeros
    const expected = twin(delta);
    naiveKernels.reluBackward(expected, twin(z));
    fast.reluBackward(delta, z);
    assertSameMatrix(delta, expected, `${fast.name} reluBackward ${dtype} ${rows}×${cols}`);
    assertPaddingIntact(delta, `${fast.name} reluBackward`);
  }
}

/** Checks that shape and precision mismatches are rejected. */
export function checkRejections(fast: Kernels): void {
  const a = fast.matrix(2, 3, "float64");
  const b = fast.matrix(3, 4, "float64");
  assert.throws(() => fast.gemm(false, false, 1, a, b, 0, fast.matrix(2, 5, "float64")), /gemm shapes/);
  assert.throws(() => fast.gemm(false, false, 1, a, b, 0, fast.matrix(2, 4, "float32")), /mixed precisions/);
  assert.throws(
    () => fast.gemv(false, 1, a, fast.vector(2, "float64"), 0, fast.vector(2, "float64")),
    /gemv shapes/,
  );
  assert.throws(() => fast.ger(1, fast.vector(3, "float64"), fast.vector(3, "float64"), a), /ger shapes/);
  assert.throws(() => fast.biasRelu(a, fast.vector(2, "float64")), /bias 2 for 3 columns/);
  assert.throws(() => fast.reluBackward(a, b), /reluBackward shapes/);
}
