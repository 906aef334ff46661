/**
 * lib/cluster/node/norms.ts: the tracked row and column norms follow the weights exactly through
 * SGD updates (B = 1 and B > 1), and the one-sample fast path rounds exactly as the batched loops.
 */

import { LayerNorms } from "../lib/cluster/node/norms.ts";
import { Rng } from "../lib/random/rng.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { assert, assertClose } from "./assert.ts";

const N = 13;
const M = 9;

function filled(rng: Rng, n: number, zeroEvery = 0): Float64Array {
  return Float64Array.from(
    { length: n },
    (_, i) => zeroEvery > 0 && i % zeroEvery === 0 ? 0 : rng.next() - 0.5,
  );
}

function actual(w: Float64Array): { rows: Float64Array; cols: Float64Array } {
  const rows = new Float64Array(N);
  const cols = new Float64Array(M);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < M; j++) {
      rows[i] += w[i * M + j] ** 2;
      cols[j] += w[i * M + j] ** 2;
    }
  }
  return { rows, cols };
}

for (const b of [1, 3]) {
  Deno.test(`norms: tracked through 40 SGD steps of ${b} sample(s) equal the weights' norms`, () => {
    const rng = new Rng(7, b);
    const w = filled(rng, N * M);
    const norms = new LayerNorms(N, M, b);
    const start = actual(w);
    norms.rowSq.set(start.rows);
    norms.colSq.set(start.cols);
    const alpha = 0.3;
    for (let step = 0; step < 40; step++) {
      const x = filled(rng, b * M, 4);
      const delta = filled(rng, b * N, 3);
      const pre = new Float64Array(b * N); // X·Wᵀ
      const c = new Float64Array(b * M); // Δ·W
      for (let s = 0; s < b; s++) {
        for (let i = 0; i < N; i++) {
          for (let j = 0; j < M; j++) {
            pre[s * N + i] += x[s * M + j] * w[i * M + j];
            c[s * M + j] += delta[s * N + i] * w[i * M + j];
          }
        }
      }
      norms.updateCols(alpha, delta, x, c, b);
      norms.updateRows(alpha, delta, x, pre, b);
      for (let s = 0; s < b; s++) {
        for (let i = 0; i < N; i++) {
          for (let j = 0; j < M; j++) w[i * M + j] += alpha * delta[s * N + i] * x[s * M + j];
        }
      }
    }
    const end = actual(w);
    assertClose(norms.rowSq, end.rows, 1e-12, "rows");
    assertClose(norms.colSq, end.cols, 1e-12, "columns");
  });
}

Deno.test("norms: the one-sample path rounds exactly like the batched loops (a zero second sample)", () => {
  for (const F of [Float32Array, Float64Array]) {
    const rng = new Rng(3, 0);
    const one = new LayerNorms(N, M, 2);
    const two = new LayerNorms(N, M, 2);
    one.rowSq.set(filled(rng, N).map(Math.abs));
    one.colSq.set(filled(rng, M).map(Math.abs));
    two.copyFrom(one);
    for (let step = 0; step < 20; step++) {
      const x = F.from(filled(rng, M, 4));
      const delta = F.from(filled(rng, N, 3));
      const pre = F.from(filled(rng, N));
      const c = F.from(filled(rng, M));
      const pad = <T extends Float32Array | Float64Array>(a: T): T => {
        const out = new (a.constructor as new (n: number) => T)(2 * a.length);
        out.set(a);
        return out;
      };
      one.updateRows(0.01, delta, x, pre, 1);
      one.updateCols(0.01, delta, x, c, 1);
      two.updateRows(0.01, pad(delta), pad(x), pad(pre), 2);
      two.updateCols(0.01, pad(delta), pad(x), pad(c), 2);
    }
    assert.deepEqual([...one.rowSq], [...two.rowSq], `${F.name} rows`);
    assert.deepEqual([...one.colSq], [...two.colSq], `${F.name} columns`);
  }
});

Deno.test("norms: tracked on the wasm kernels, bit for bit the reference loops (B = 1, float32)", async () => {
  const k = await createWasmKernels();
  const rng = new Rng(5, 1);
  const ref = new LayerNorms(N, M, 1);
  const fast = new LayerNorms(N, M, 1, k);
  assert.ok(k.arena.owns(fast.rowSq) && k.arena.owns(fast.colSq), "the norms live in the kernels' memory");
  ref.rowSq.set(filled(rng, N).map(Math.abs));
  ref.colSq.set(filled(rng, M).map(Math.abs));
  fast.copyFrom(ref);
  const put = (a: Float64Array) => {
    const v = k.vector(a.length, "float32");
    v.set(a);
    return v;
  };
  for (let step = 0; step < 30; step++) {
    const x = put(filled(rng, M, 4));
    const delta = put(filled(rng, N, 3));
    const pre = put(filled(rng, N));
    const c = put(filled(rng, M));
    for (const norms of [ref, fast]) {
      norms.updateRows(0.02, delta, x, pre, 1);
      norms.updateCols(0.02, delta, x, c, 1);
    }
    assert.ok(
      Object.is(fast.rowBound, ref.rowBound) && Object.is(fast.colBound, ref.colBound),
      `bounds, step ${step}`,
    );
  }
  assert.deepEqual([...fast.rowSq], [...ref.rowSq], "rows");
  assert.deepEqual([...fast.colSq], [...ref.colSq], "columns");
});

Deno.test("norms: a write through rowSq / colSq is seen by the next bound", () => {
  const norms = new LayerNorms(3, 2, 1);
  norms.updateRows(1, Float64Array.of(1, 0, 0), Float64Array.of(0, 0), Float64Array.of(0, 0, 0), 1);
  norms.updateCols(1, Float64Array.of(0, 0, 0), Float64Array.of(1, 0), Float64Array.of(0, 0), 1);
  assert.equal(norms.rowBound, 0);
  assert.equal(norms.colBound, 0);
  norms.rowSq[2] = 4;
  norms.colSq.set([9, 1]);
  assert.equal(norms.rowBound, 1.001 * 2);
  assert.equal(norms.colBound, 1.001 * 3);
  const copy = new LayerNorms(3, 2, 1);
  copy.copyFrom(norms);
  assert.equal(copy.rowBound, 1.001 * 2);
  assert.equal(copy.colBound, 1.001 * 3);
});
