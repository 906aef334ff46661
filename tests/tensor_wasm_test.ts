import { Rng } from "../lib/random/rng.ts";
import { allocFloat, type DType } from "../lib/tensor/matrix.ts";
import { createSharedMemory } from "../lib/tensor/wasm/arena.ts";
import { kernelModuleBytes } from "../lib/tensor/wasm/assemble.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { instantiateWasmKernels } from "../lib/tensor/wasm/wasm-kernels.ts";
import { assert } from "./assert.ts";
import { type Alloc, checkGemm, checkLayerKernels, checkLevel2, checkRejections } from "./tensor_cases.ts";

const kernels = await createWasmKernels();
const inMemory: Alloc = (length, dtype) => kernels.vector(length, dtype);
const elsewhere: Alloc = (length, dtype) => allocFloat(dtype, length);
const rng = Rng.named(5, "placement");
/** Each operand lands in wasm memory or in a plain typed array at random. */
const mixed: Alloc = (length, dtype) => (rng.bernoulli(0.5) ? inMemory : elsewhere)(length, dtype);

for (const dtype of ["float32", "float64"] as DType[]) {
  Deno.test(`wasm gemm matches naive (${dtype}, operands in wasm memory)`, () =>
    checkGemm(kernels, inMemory, dtype, 21));
  Deno.test(`wasm gemv/ger match naive (${dtype})`, () => checkLevel2(kernels, inMemory, dtype, 22));
  Deno.test(`wasm layer kernels match naive (${dtype})`, () =>
    checkLayerKernels(kernels, inMemory, dtype, 23));
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
