/**
 * The fused B = 1 backward product and update (`gemvTransGer` of the wasm kernels) against its
 * naive reference on random shapes, and bit for bit against the unfused wasm `gemv` + `ger` it
 * replaces in the node program (so coded training gives the same weights fused or not).
 */

import { Rng } from "../lib/random/rng.ts";
import type { DType, Float } from "../lib/tensor/matrix.ts";
import { naiveGemvTransGer } from "../lib/tensor/naive-fused.ts";
import { createSharedMemory } from "../lib/tensor/wasm/arena.ts";
import { kernelModuleBytes } from "../lib/tensor/wasm/assemble.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { instantiateWasmKernels, type WasmKernels } from "../lib/tensor/wasm/wasm-kernels.ts";
import { assert, assertClose } from "./assert.ts";
import {
  type Alloc,
  assertPaddingIntact,
  assertSameMatrix,
  LEVEL2_SHAPES,
  randomOperand,
  randomVector,
  tolerance,
  twin,
} from "./tensor_cases.ts";

/** Level-2 shapes plus random ones, some with a row count that is not a multiple of 4. */
function shapes(rng: Rng): [number, number][] {
  const extra: [number, number][] = Array.from({ length: 6 }, () => [1 + rng.int(60), 1 + rng.int(90)]);
  return [...LEVEL2_SHAPES, ...extra, [400, 500], [2, 500]];
}

function check(k: WasmKernels, dtype: DType, seed: number): void {
  const rng = Rng.named(seed, `fused-${dtype}`);
  const alloc: Alloc = (length, d) => k.vector(length, d);
  for (const [rows, cols] of shapes(rng)) {
    const alpha = rng.bernoulli(0.5) ? 1 : rng.uniform(-2, 2);
    const gamma = rng.uniform(-0.5, 0.5);
    const a = randomOperand(alloc, rng, rows, cols, dtype);
    const x = randomVector(alloc, rng, rows, dtype);
    const u = randomVector(alloc, rng, rows, dtype);
    const v = randomVector(alloc, rng, cols, dtype);
    const y = alloc(cols, dtype).fill(NaN);
    const what = `gemvTransGer ${dtype} ${rows}×${cols}`;

    // Against the naive reference (float64 accumulation): within the kernels' tolerance.
    const refA = twin(a);
    const refY = new Float64Array(cols);
    naiveGemvTransGer(
      alpha,
      refA,
      Float64Array.from(x),
      refY,
      gamma,
      Float64Array.from(u),
      Float64Array.from(v),
    );

    // Against the unfused wasm kernels: bit for bit.
    const unA = k.matrix(rows, cols, dtype);
    for (let i = 0; i < rows; i++) unA.row(i).set(a.row(i));
    const unY = alloc(cols, dtype);
    k.gemv(true, alpha, unA, x, 0, unY);
    k.ger(gamma, u, v, unA);

    k.gemvTransGer(alpha, a, x, y, gamma, u, v);
    assertClose(Float64Array.from(y), refY, tolerance(dtype), `${what}: y against naive`);
    assertSameMatrix(a, refA, `${what}: A against naive`);
    assertPaddingIntact(a, what);
    assert.deepEqual(Array.from(y as Float), Array.from(unY), `${what}: y against gemv`);
    for (let i = 0; i < rows; i++) {
      assert.deepEqual(Array.from(a.row(i)), Array.from(unA.row(i)), `${what}: row ${i} against ger`);
    }
  }
}

const kernels = await createWasmKernels();
for (const dtype of ["float32", "float64"] as DType[]) {
  Deno.test(`wasm gemvTransGer matches naive and the unfused gemv + ger (${dtype})`, () => {
    check(kernels, dtype, 41);
  });
}

Deno.test("wasm gemvTransGer without relaxed SIMD matches naive and the unfused kernels", async () => {
  const bytes = await kernelModuleBytes(false);
  const plain = instantiateWasmKernels(
    await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>),
    createSharedMemory(),
  );
  check(plain, "float32", 42);
  check(plain, "float64", 43);
});

Deno.test("wasm gemvTransGer rejects mismatched shapes", () => {
  const a = kernels.matrix(3, 4, "float32");
  const f = (n: number) => kernels.vector(n, "float32");
  assert.throws(() => kernels.gemvTransGer(1, a, f(4), f(4), 1, f(3), f(4)), RangeError);
  assert.throws(() => kernels.gemvTransGer(1, a, f(3), f(4), 1, f(4), f(4)), RangeError);
});
