import { fillInitialWeights } from "../lib/nn/init.ts";
import { createMlp, parameterCount } from "../lib/nn/mlp.ts";
import { sgdStep } from "../lib/nn/sgd.ts";
import { exportState, importState } from "../lib/nn/state.ts";
import { Workspace } from "../lib/nn/workspace.ts";
import { Rng } from "../lib/random/rng.ts";
import { Matrix } from "../lib/tensor/matrix.ts";
import { naiveKernels as k } from "../lib/tensor/naive.ts";
import { assert, assertClose } from "./assert.ts";

Deno.test("initial weights are position-addressable: a block equals the slice of the full matrix", () => {
  for (const scheme of ["he", "glorot"] as const) {
    const spec = { seed: 9, scheme, layer: 2, fanIn: 13, fanOut: 11 };
    const full = Matrix.zeros(11, 13, "float64");
    fillInitialWeights(full, spec);
    const block = Matrix.zeros(4, 5, "float64");
    fillInitialWeights(block, { ...spec, row0: 6, col0: 7 });
    assert.deepEqual(block.toFloat64(), full.view(6, 7, 4, 5).toFloat64());
    // Another layer or seed gives other weights.
    const other = Matrix.zeros(11, 13, "float64");
    fillInitialWeights(other, { ...spec, layer: 1 });
    assert.notDeepEqual(other.toFloat64(), full.toFloat64());
  }
  assert.throws(
    () =>
      fillInitialWeights(Matrix.zeros(4, 5), {
        seed: 1,
        scheme: "he",
        layer: 0,
        fanIn: 5,
        fanOut: 4,
        row0: 1,
      }),
    RangeError,
  );
});

Deno.test("He and Glorot initial weights have their scales", () => {
  const [fanIn, fanOut] = [400, 300];
  const w = Matrix.zeros(fanOut, fanIn, "float64");
  fillInitialWeights(w, { seed: 2, scheme: "he", layer: 0, fanIn, fanOut });
  const he = w.toFloat64();
  const mean = he.reduce((s, v) => s + v, 0) / he.length;
  const variance = he.reduce((s, v) => s + v * v, 0) / he.length;
  assert.ok(Math.abs(mean) < 0.002, `He mean ${mean}`);
  assertClose(variance, 2 / fanIn, 0.02, "He variance");
  fillInitialWeights(w, { seed: 2, scheme: "glorot", layer: 0, fanIn, fanOut });
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const glorot = w.toFloat64();
  assert.ok(glorot.every((v) => Math.abs(v) < limit));
  assertClose(Math.max(...glorot.map(Math.abs)), limit, 0.001, "Glorot range is used");
});

function trainFew(seed: number, dtype: "float32" | "float64") {
  const widths = [20, 16, 8, 4];
  const net = createMlp(k, { widths, dtype, init: "he", seed });
  const ws = new Workspace(k, widths, 8, dtype);
  const rng = Rng.named(seed, "sgd-test");
  const losses: number[] = [];
  for (let t = 0; t < 40; t++) {
    const b = 1 + (t % 8);
    for (let i = 0; i < b * 20; i++) ws.input.data[i] = rng.normal();
    const labels = Int32Array.from({ length: b }, () => rng.int(4));
    losses.push(sgdStep(k, net, ws.rows(b), labels, 0.05).lossSum / b);
  }
  return { net, losses };
}

Deno.test("SGD is reproducible: same seed, identical weights; another seed, other weights", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const a = exportState(trainFew(4, dtype).net);
    const b = exportState(trainFew(4, dtype).net);
    assert.deepEqual(a, b);
    const c = exportState(trainFew(5, dtype).net);
    assert.notDeepEqual(a.weights[0], c.weights[0]);
  }
  const { losses } = trainFew(4, "float64");
  assert.ok(losses.every(Number.isFinite));
});

Deno.test("state export/import restores weights and biases exactly (float32)", () => {
  const { net } = trainFew(6, "float32");
  const saved = exportState(net);
  const fresh = createMlp(k, { widths: [20, 16, 8, 4], dtype: "float32", init: "glorot", seed: 99 });
  importState(fresh, saved);
  assert.deepEqual(exportState(fresh), saved);
  assert.equal(parameterCount(saved.widths), 16 * 21 + 8 * 17 + 4 * 9);
  assert.throws(() =>
    importState(createMlp(k, { widths: [20, 4], dtype: "float32", init: "he", seed: 1 }), saved)
  );
});
