import { Rng } from "../lib/random/rng.ts";
import type { Matrix } from "../lib/tensor/matrix.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { assert, assertClose } from "./assert.ts";

Deno.test("a Worker instantiates the same module on the shared memory and computes the same result", async () => {
  const kernels = await createWasmKernels();
  const rng = Rng.named(31, "worker");
  const fill = (m: Matrix) => {
    for (let i = 0; i < m.data.length; i++) m.data[i] = rng.uniform(-1, 1);
    return m;
  };
  const a = fill(kernels.matrix(37, 50, "float32"));
  const b = fill(kernels.matrix(19, 50, "float32"));
  const c = kernels.matrix(37, 19, "float32");
  const x = fill(kernels.matrix(1, 50, "float32"));
  const describe = (m: Matrix) => ({ address: kernels.arena.addressOf(m), rows: m.rows, cols: m.cols });

  const worker = new Worker(new URL("./fixtures/tensor_worker.ts", import.meta.url), { type: "module" });
  try {
    const reply = new Promise<{ y: number }>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
    });
    worker.postMessage({
      memory: kernels.memory,
      module: kernels.module,
      a: describe(a),
      b: describe(b),
      c: describe(c),
      x: describe(x),
    });
    const { y } = await reply;

    const expectedC = c.clone("float64");
    naiveKernels.gemm(false, true, 1, a.clone("float64"), b.clone("float64"), 0, expectedC);
    assert.ok(c.data.some((v) => v !== 0), "the worker wrote into the shared memory");
    assertClose(c.toFloat64(), expectedC.toFloat64(), 2e-5, "gemm in the worker");

    const expectedY = new Float64Array(37);
    naiveKernels.gemv(false, 1, a.clone("float64"), Float64Array.from(x.data), 0, expectedY);
    const yView = kernels.arena.view(y, 37, "float32");
    assertClose(yView, expectedY, 2e-5, "gemv in the worker, result allocated by the worker");
    assert.ok(kernels.arena.used >= y + 37 * 4, "the worker's allocation advanced the shared bump pointer");
  } finally {
    worker.terminate();
  }
});
