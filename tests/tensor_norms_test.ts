/**
 * The wasm kernels' norm-tracking loops (`squaredNormUpdate`, which returns the largest squared
 * norm, and `squaredNorm`) against their naive references (lib/tensor/naive-norms.ts), bit for
 * bit: every length up to a few vectors plus a tail, float32 and float64 operands, exact zeros
 * (skipped entries), −0, NaN and ±Infinity where the update must skip them and where it must not,
 * and operands outside the kernels' memory.
 */

import { Rng } from "../lib/random/rng.ts";
import type { DType, Float } from "../lib/tensor/matrix.ts";
import { maxSkipNaN, naiveNormKernels } from "../lib/tensor/naive-norms.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import type { WasmKernels } from "../lib/tensor/wasm/wasm-kernels.ts";
import { assert, assertSameBits } from "./assert.ts";

const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 64, 101];
const SPECIALS = [NaN, Infinity, -Infinity, -0, 0];

/** A random operand of `length` entries, a third of them zero and, with `specials`, some NaN/±∞/−0. */
function operand(k: WasmKernels, rng: Rng, length: number, dtype: DType, specials: boolean): Float {
  const a = rng.bernoulli(0.8)
    ? k.vector(length, dtype)
    : (dtype === "float32" ? new Float32Array(length) : new Float64Array(length));
  for (let i = 0; i < length; i++) {
    a[i] = rng.bernoulli(0.3) ? 0 : rng.uniform(-4, 4);
    if (specials && rng.bernoulli(0.1)) a[i] = SPECIALS[rng.int(SPECIALS.length)];
  }
  return a;
}

/** Squared norms: non-negative, with the odd NaN or ∞ when `specials`. */
function squares(k: WasmKernels, rng: Rng, length: number, specials: boolean): Float64Array {
  const sq = operand(k, rng, length, "float64", specials) as Float64Array;
  for (let i = 0; i < length; i++) if (!Number.isNaN(sq[i])) sq[i] = Math.abs(sq[i]) * 10;
  return sq;
}

for (const dtype of ["float32", "float64"] as const) {
  Deno.test(`norm kernels (${dtype}): squaredNormUpdate equals the reference bit for bit`, async () => {
    const k = await createWasmKernels();
    const rng = Rng.named(11, `norm-update-${dtype}`);
    for (const length of LENGTHS) {
      for (const specials of [false, true]) {
        const sq = squares(k, rng, length, specials);
        const expected = Float64Array.from(sq);
        // v and w may be longer than sq: only the first sq.length entries count.
        const extra = rng.int(3);
        const v = operand(k, rng, length + extra, dtype, specials);
        const w = operand(k, rng, length + extra, dtype, specials);
        const alpha = rng.uniform(-0.1, 0.1);
        const g = rng.uniform(0, 50);
        const what = `${dtype} length ${length}${specials ? " with NaN/∞/−0" : ""}`;
        const wantMax = naiveNormKernels.squaredNormUpdate(expected, alpha, v, w, g);
        const gotMax = k.squaredNormUpdate(sq, alpha, v, w, g);
        assertSameBits(sq, expected, what);
        assert.ok(Object.is(gotMax, wantMax), `${what}: largest ${gotMax}, the reference ${wantMax}`);
        assert.ok(Object.is(wantMax, maxSkipNaN(expected)), `${what}: the reference returns its maximum`);
      }
    }
  });
}

Deno.test("norm kernels: an entry with v = 0 keeps its norm even when w is not finite; NaN in v spreads", async () => {
  const k = await createWasmKernels();
  for (const dtype of ["float32", "float64"] as const) {
    const sq = k.vector(5, "float64") as Float64Array;
    sq.set([1, 2, 3, 4, 5]);
    const v = k.vector(5, dtype);
    v.set([0, -0, 0, NaN, 1]);
    const w = k.vector(5, dtype);
    w.set([NaN, Infinity, -Infinity, 1, 2]);
    // Entry 4: 5 + (1·(1·2) + 0.25·((1·1)·3)) = 7.75; the NaN is skipped in the maximum.
    assert.equal(k.squaredNormUpdate(sq, 0.5, v, w, 3), 7.75, `${dtype}: largest`);
    assertSameBits(sq, [1, 2, 3, NaN, 7.75], dtype);
    const negative = k.vector(2, "float64") as Float64Array;
    negative.set([-3, -0]);
    assert.ok(Object.is(k.squaredNormUpdate(negative, 1, v, w, 1), 0), `${dtype}: never below +0`);
  }
});

Deno.test("norm kernels: operands too short are refused", async () => {
  const k = await createWasmKernels();
  const sq = k.vector(4, "float64") as Float64Array;
  assert.throws(
    () => k.squaredNormUpdate(sq, 1, k.vector(3, "float32"), k.vector(4, "float32"), 1),
    RangeError,
  );
  assert.throws(
    () => naiveNormKernels.squaredNormUpdate(sq, 1, new Float32Array(4), new Float32Array(2), 1),
    RangeError,
  );
  assert.throws(
    () => k.squaredNormUpdate(sq, 1, k.vector(4, "float32"), k.vector(4, "float64"), 1),
    TypeError,
  );
});

/** Σ x[k]² one entry after another: the order `squaredNorm` must not use (see below). */
function sequentialSquares(x: Float, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += x[k] * x[k];
  return s;
}

for (const dtype of ["float32", "float64"] as const) {
  Deno.test(`norm kernels (${dtype}): squaredNorm equals the reference bit for bit, in its order`, async () => {
    const k = await createWasmKernels();
    const rng = Rng.named(12, `squared-norm-${dtype}`);
    let orderMatters = 0;
    for (const length of LENGTHS) {
      for (const specials of [false, true]) {
        for (let trial = 0; trial < 4; trial++) {
          // Magnitudes spread over 2^±20, so that the order of the additions shows in the result.
          const x = operand(k, rng, length + rng.int(3), dtype, specials);
          for (let i = 0; i < x.length; i++) x[i] *= 2 ** (rng.int(41) - 20);
          const n = length;
          const what = `${dtype} length ${n}${specials ? " with NaN/∞/−0" : ""}`;
          const want = naiveNormKernels.squaredNorm(x, n);
          assert.ok(
            Object.is(k.squaredNorm(x, n), want),
            `${what}: ${k.squaredNorm(x, n)}, the reference ${want}`,
          );
          if (!Object.is(sequentialSquares(x, n), want)) orderMatters++;
        }
      }
    }
    // The data tell the reference's order from one entry after another: a kernel that summed in
    // another order would fail above.
    assert.ok(orderMatters > 10, `only ${orderMatters} sums depend on the order`);
  });
}

Deno.test("norm kernels: squaredNorm sums in groups of four, then the tail; refuses n beyond x", async () => {
  const k = await createWasmKernels();
  for (const dtype of ["float32", "float64"] as const) {
    const x = k.vector(6, dtype);
    x.set([1, 2, 3, 4, 5, -6]);
    // (1 + 9) + (4 + 16), then + 25 + 36.
    assert.equal(k.squaredNorm(x, 6), 91, dtype);
    assert.equal(naiveNormKernels.squaredNorm(x, 6), 91, dtype);
    assert.equal(k.squaredNorm(x, 0), 0, `${dtype}: empty`);
    assert.throws(() => k.squaredNorm(x, 7), RangeError);
    assert.throws(() => naiveNormKernels.squaredNorm(x, -1), RangeError);
  }
});
