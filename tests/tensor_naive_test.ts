import { Matrix } from "../lib/tensor/matrix.ts";
import { naiveKernels as k } from "../lib/tensor/naive.ts";
import { assert } from "./assert.ts";

Deno.test("naive gemm matches a product worked by hand, with transposes, α and β", () => {
  const a = Matrix.from(2, 3, [1, 2, 3, 4, 5, 6]);
  const b = Matrix.from(3, 2, [7, 8, 9, 10, 11, 12]);
  const c = Matrix.from(2, 2, [1, 1, 1, 1]);
  k.gemm(false, false, 2, a, b, 10, c);
  assert.deepEqual([...c.data], [2 * 58 + 10, 2 * 64 + 10, 2 * 139 + 10, 2 * 154 + 10]);
  const at = Matrix.from(3, 2, [1, 4, 2, 5, 3, 6]); // Aᵀ stored
  const bt = Matrix.from(2, 3, [7, 9, 11, 8, 10, 12]); // Bᵀ stored
  const d = Matrix.from(2, 2, [NaN, NaN, NaN, NaN]);
  k.gemm(true, true, 1, at, bt, 0, d);
  assert.deepEqual([...d.data], [58, 64, 139, 154]);
});

Deno.test("naive gemv, ger, bias, ReLU and ReLU backward on small worked examples", () => {
  const a = Matrix.from(2, 3, [1, 2, 3, 4, 5, 6]);
  const y = new Float64Array([1, 1]);
  k.gemv(false, 1, a, new Float64Array([1, 0, -1]), 3, y);
  assert.deepEqual([...y], [-2 + 3, -2 + 3]);
  const z = new Float64Array(3);
  k.gemv(true, 1, a, new Float64Array([1, 1]), 0, z);
  assert.deepEqual([...z], [5, 7, 9]);
  k.ger(2, new Float64Array([1, 0]), new Float64Array([1, 2, 3]), a);
  assert.deepEqual([...a.data], [3, 6, 9, 4, 5, 6]);
  const s = Matrix.from(1, 3, [-1, 0.5, 2]);
  k.biasRelu(s, new Float64Array([0.5, -1, 1]));
  assert.deepEqual([...s.data], [0, 0, 3]);
  k.biasAdd(s, new Float64Array([-1, 1, 0]));
  assert.deepEqual([...s.data], [-1, 1, 3]);
  const delta = Matrix.from(1, 3, [5, 6, 7]);
  k.reluBackward(delta, Matrix.from(1, 3, [1, 0, -2]));
  assert.deepEqual([...delta.data], [5, 0, 0]);
});

Deno.test("naive column sums, byte gather and input weights on small worked examples", () => {
  const y = new Float64Array([1, 2]);
  k.addColumnSums(0.5, Matrix.from(3, 2, [1, 2, 3, 4, 5, 6]), y);
  assert.deepEqual([...y], [1 + 0.5 * 9, 2 + 0.5 * 12]);
  const table = Float64Array.from({ length: 256 }, (_, b) => b / 2);
  const x = Matrix.from(3, 2, [9, 9, 9, 9, 9, 9]);
  k.gatherBytes(new Uint8Array([1, 2, 3, 4, 5, 6]), [2, 0], table, x);
  assert.deepEqual([...x.data], [2.5, 3, 0.5, 1, 9, 9]);
  const w = Matrix.from(2, 3, [1, 0, 2, 0, 1, -1]);
  const p = k.inputWeights(w);
  w.set(0, 0, 100); // a copy: later changes to w do not reach p
  const s = Matrix.zeros(1, 2, "float64");
  k.inputForward(Matrix.from(1, 3, [1, 2, 3]), p, s);
  assert.deepEqual([...s.data], [7, -1]);
  k.inputUpdate(2, Matrix.from(1, 2, [1, 0]), Matrix.from(1, 3, [1, 1, 1]), p);
  const back = Matrix.zeros(2, 3, "float64");
  k.readInputWeights(p, back);
  assert.deepEqual([...back.data], [3, 2, 4, 0, 1, -1]);
});
