import { Rng } from "../lib/random/rng.ts";
import { allocFloat, type DType } from "../lib/tensor/matrix.ts";
import { createSharedMemory } from "../lib/tensor/wasm/arena.ts";
import { kernelModuleBytes } from "../lib/tensor/wasm/assemble.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { compactNonzero, groupAdjacent } from "../lib/tensor/wasm/panel-gemm.ts";
import { instantiateWasmKernels } from "../lib/tensor/wasm/wasm-kernels.ts";
import { assert } from "./assert.ts";
import type { Kernels } from "../lib/tensor/kernels.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import {
  type Alloc,
  assertSameMatrix,
  checkGemm,
  checkLayerKernels,
  checkLevel2,
  checkRejections,
  randomOperand,
  twin,
} from "./tensor_cases.ts";
import { checkInputWeights, checkTrainingElementwise } from "./tensor_training_cases.ts";

const kernels = await createWasmKernels();
/** Allocation in the memory of `k` (by default the shared `kernels`). */
const inMemory = (k: Kernels = kernels): Alloc => (length, dtype) => k.vector(length, dtype);
const elsewhere: Alloc = (length, dtype) => allocFloat(dtype, length);
const rng = Rng.named(5, "placement");
/** Each operand lands in wasm memory or in a plain typed array at random. */
const mixed: Alloc = (length, dtype) => (rng.bernoulli(0.5) ? inMemory() : elsewhere)(length, dtype);

for (const dtype of ["float32", "float64"] as DType[]) {
  Deno.test(`wasm gemm matches naive (${dtype}, operands in wasm memory)`, () =>
    checkGemm(kernels, inMemory(), dtype, 21));
  Deno.test(`wasm gemv/ger match naive (${dtype})`, () => checkLevel2(kernels, inMemory(), dtype, 22));
  Deno.test(`wasm layer kernels match naive (${dtype})`, () =>
    checkLayerKernels(kernels, inMemory(), dtype, 23));
  Deno.test(`wasm training kernels (column sums, byte gather) match naive (${dtype})`, () =>
    checkTrainingElementwise(kernels, inMemory(), dtype, 31));
  Deno.test(`wasm input weights (packed panels) match naive (${dtype})`, () => {
    checkInputWeights(kernels, inMemory(), dtype, 32);
    checkInputWeights(kernels, mixed, dtype, 33);
  });
  Deno.test(`wasm kernels stage operands that live elsewhere (${dtype})`, () => {
    checkGemm(kernels, elsewhere, dtype, 24);
    checkLevel2(kernels, mixed, dtype, 25);
    checkLayerKernels(kernels, mixed, dtype, 26);
  });
}

Deno.test("wasm kernels without relaxed SIMD (mul + add) match naive", async () => {
  const bytes = await kernelModuleBytes(false);
  const plain = instantiateWasmKernels(
    await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>),
    createSharedMemory(),
  );
  const alloc: Alloc = (length, dtype) => plain.vector(length, dtype);
  checkGemm(plain, alloc, "float32", 27);
  checkLevel2(plain, alloc, "float64", 28);
});

Deno.test("wasm kernels reject mismatched shapes and precisions", () => checkRejections(kernels));

Deno.test("wasm kernels allocate zeroed, aligned operands in their memory", () => {
  const m = kernels.matrix(5, 7, "float32");
  const v = kernels.vector(9, "float64");
  assert.ok(kernels.arena.owns(m.data) && kernels.arena.owns(v));
  assert.ok(m.data.buffer instanceof SharedArrayBuffer);
  assert.equal(kernels.arena.addressOf(m) % 64, 0);
  assert.equal(kernels.arena.addressOf(v) % 64, 0);
  assert.ok(m.data.every((x) => x === 0) && v.every((x) => x === 0));
});

Deno.test("wasm kernels never read past operands that end at the last byte of memory", () => {
  const edgeRng = Rng.named(7, "edge");
  for (const dtype of ["float32", "float64"] as DType[]) {
    const k = instantiateWasmKernels(kernels.module, createSharedMemory({ maximumBytes: 64 * 65536 }));
    const [m, n, depth] = [13, 11, 7]; // edges in every direction
    const operand = (r: number, c: number) => randomOperand(inMemory(k), edgeRng, r, c, dtype, false);
    /** A random r × c matrix occupying the last bytes of the memory as it is now. */
    const last = (r: number, c: number) => {
      const end = k.memory.buffer.byteLength;
      const at = end - r * c * (dtype === "float32" ? 4 : 8);
      k.arena.alloc(end - k.arena.used, 1); // the rest of the memory, so the arena agrees
      const x = k.arena.matrixAt(at, r, c, dtype);
      for (let i = 0; i < x.data.length; i++) x.data[i] = edgeRng.uniform(-1, 1);
      return x;
    };
    // Warm-up on other operands, so the scratch region exists before the memory is filled.
    k.gemm(false, false, 1, operand(m, depth), operand(depth, n), 0, operand(m, n));
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
      for (const lastOne of ["a", "b"]) {
        const [ar, ac] = ta ? [depth, m] : [m, depth];
        const [br, bc] = tb ? [n, depth] : [depth, n];
        const c = operand(m, n);
        const a = lastOne === "a" ? undefined : operand(ar, ac);
        const b = lastOne === "b" ? last(br, bc) : operand(br, bc);
        const aa = a ?? last(ar, ac);
        const expected = twin(c);
        naiveKernels.gemm(ta, tb, 1, twin(aa), twin(b), 0, expected);
        k.gemm(ta, tb, 1, aa, b, 0, c);
        assertSameMatrix(c, expected, `${dtype} ${lastOne} at the end, transA=${ta} transB=${tb}`);
        k.memory.grow(1);
      }
    }
  }
});

Deno.test("compactNonzero lists the non-zero columns of a mask in increasing order, in place", () => {
  const listRng = Rng.named(8, "nonzero-columns");
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + listRng.int(60);
    const density = [0, 0.1, 0.5, 1][trial % 4];
    const mask = Int32Array.from({ length: n }, () => (listRng.bernoulli(density) ? -1 : 0));
    const expected = [...mask.keys()].filter((j) => mask[j] !== 0);
    const count = compactNonzero(mask);
    assert.deepEqual([...mask.subarray(0, count)], expected, `trial ${trial}`);
  }
  assert.equal(compactNonzero(Int32Array.from([0, 0, -1, 0, 7, 0, 0, 0, 0, 0, 0, -1, 0])), 3);
});

Deno.test("groupAdjacent puts runs of 4 adjacent columns first, then the rest in order", () => {
  const listRng = Rng.named(9, "grouped-columns");
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + listRng.int(80);
    const density = [0.3, 0.7, 0.95, 1][trial % 4];
    const mask = Int32Array.from({ length: n }, () => (listRng.bernoulli(density) ? -1 : 0));
    const columns = mask.slice(0, compactNonzero(mask));
    const out = new Int32Array(columns.length);
    const groups = groupAdjacent(columns, out);
    assert.deepEqual([...out].sort((a, b) => a - b), [...columns], `trial ${trial}: the same columns`);
    for (let g = 0; g < groups; g++) {
      for (let u = 1; u < 4; u++) assert.equal(out[4 * g + u], out[4 * g] + u, `trial ${trial}: group ${g}`);
    }
    const rest = [...out.subarray(4 * groups)];
    assert.deepEqual(rest, [...rest].sort((a, b) => a - b), `trial ${trial}: leftovers in order`);
  }
  const out = new Int32Array(9);
  assert.equal(groupAdjacent(Int32Array.from([0, 1, 2, 3, 4, 6, 7, 8, 9]), out), 2);
  assert.deepEqual([...out], [0, 1, 2, 3, 6, 7, 8, 9, 4]);
});
