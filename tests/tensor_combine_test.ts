/**
 * The wasm kernels' `combineAndCompare` (a regeneration's rebuild and cross-check) against its
 * naive reference, bit for bit: the output, the largest difference and every peak, for operands in
 * the kernels' memory and in plain arrays, strided or not, bands of many rows or of one, and
 * entries that are NaN.
 */

import { Rng } from "../lib/random/rng.ts";
import { type DType, Matrix } from "../lib/tensor/matrix.ts";
import { type LinearCombination, naiveCombineAndCompare } from "../lib/tensor/naive-combine.ts";
import { createSharedMemory } from "../lib/tensor/wasm/arena.ts";
import { kernelModuleBytes } from "../lib/tensor/wasm/assemble.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { instantiateWasmKernels, type WasmKernels } from "../lib/tensor/wasm/wasm-kernels.ts";
import { assert } from "./assert.ts";
import { type Alloc, randomOperand, twin } from "./tensor_cases.ts";

/** Shapes: tails of every length, bands of many rows, rows longer than a band (one row per band). */
const SHAPES: readonly [number, number][] = [[1, 1], [3, 7], [5, 9], [17, 33], [40, 250], [7, 3000], [
  3,
  9000,
]];

function check(k: WasmKernels, dtype: DType, seed: number, nan: boolean): void {
  const rng = Rng.named(seed, `combine-${dtype}`);
  const inArena: Alloc = (length, d) => k.vector(length, d);
  const plain: Alloc = (length, d) => (d === "float32" ? new Float32Array(length) : new Float64Array(length));
  for (const [rows, cols] of SHAPES) {
    const peers = Array.from(
      { length: 7 },
      () => randomOperand(rng.bernoulli(0.5) ? inArena : plain, rng, rows, cols, dtype, rng.bernoulli(0.5)),
    );
    if (nan) peers[rng.int(peers.length)].set(rng.int(rows), rng.int(cols), NaN);
    const pick = (count: number, skip: number): LinearCombination => {
      const matrices = peers.filter((_, p) => p !== skip).slice(0, count);
      return { matrices, coefficients: matrices.map(() => rng.uniform(-3, 3)) };
    };
    const first = pick(5, 6);
    // The second combination shares four peers with the first, in another order.
    const second = rng.bernoulli(0.8) ? pick(5, 0) : null;
    if (second) (second.matrices as Matrix[]).reverse();
    const out = randomOperand(rng.bernoulli(0.7) ? inArena : plain, rng, rows, cols, dtype);
    const expected = twin(out);
    const what = `${dtype} ${rows}×${cols}${second ? "" : " without a check"}${nan ? " with a NaN" : ""}`;
    const want = naiveCombineAndCompare(first, second, expected);
    const got = k.combineAndCompare(first, second, out);
    assert.ok(
      Object.is(got.difference, want.difference),
      `${what}: difference ${got.difference} ≠ ${want.difference}`,
    );
    for (const m of peers.filter((p) => want.peaks.has(p))) {
      assert.ok(
        Object.is(got.peaks.get(m), want.peaks.get(m)),
        `${what}: peak ${got.peaks.get(m)} ≠ ${want.peaks.get(m)}`,
      );
    }
    assert.equal(got.peaks.size, want.peaks.size, `${what}: peaks`);
    // Bit for bit, padding included (NaN compares equal to NaN in deepEqual).
    assert.deepEqual(Array.from(out.data), Array.from(expected.data), `${what}: out`);
  }
}

const kernels = await createWasmKernels();
for (const dtype of ["float32", "float64"] as DType[]) {
  Deno.test(`wasm combineAndCompare matches the naive reference bit for bit (${dtype})`, () => {
    check(kernels, dtype, 51, false);
    check(kernels, dtype, 52, true);
  });
}

Deno.test("wasm combineAndCompare without relaxed SIMD matches the naive reference", async () => {
  const bytes = await kernelModuleBytes(false);
  const plain = instantiateWasmKernels(
    await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>),
    createSharedMemory(),
  );
  check(plain, "float32", 53, false);
  check(plain, "float64", 54, true);
});

Deno.test("combineAndCompare: a differing peer shows in the difference, agreeing combinations give 0", () => {
  for (const combine of [naiveCombineAndCompare, kernels.combineAndCompare.bind(kernels)]) {
    const a = Matrix.from(2, 3, [1, 2, 3, 4, 5, 6], "float32");
    const b = Matrix.from(2, 3, [0.5, -1, 2, 0, 1, -2], "float32");
    const out = Matrix.zeros(2, 3, "float32");
    const same = combine({ matrices: [a, b], coefficients: [2, 1] }, {
      matrices: [b, a],
      coefficients: [1, 2],
    }, out);
    assert.equal(same.difference, 0);
    assert.deepEqual(Array.from(out.data), [2.5, 3, 8, 8, 11, 10]);
    assert.deepEqual([same.peaks.get(a), same.peaks.get(b)], [6, 2]);
    const off = combine({ matrices: [a], coefficients: [1] }, { matrices: [b], coefficients: [1] }, out);
    assert.equal(off.difference, 8);
  }
});

Deno.test("combineAndCompare rejects matrices of another shape or type, and a missing coefficient", () => {
  const out = Matrix.zeros(2, 3, "float32");
  for (const m of [Matrix.zeros(3, 2, "float32"), Matrix.zeros(2, 3, "float64")]) {
    assert.throws(
      () => kernels.combineAndCompare({ matrices: [m], coefficients: [1] }, null, out),
      RangeError,
    );
    assert.throws(() => naiveCombineAndCompare({ matrices: [m], coefficients: [1] }, null, out), RangeError);
  }
  const a = Matrix.zeros(2, 3, "float32");
  for (const combine of [naiveCombineAndCompare, kernels.combineAndCompare.bind(kernels)]) {
    const short = { matrices: [a, a], coefficients: [1] };
    assert.throws(() => combine({ matrices: [a], coefficients: [1] }, short, out), RangeError);
  }
});
