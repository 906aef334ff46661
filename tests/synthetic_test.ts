import { fillBatch, pixelTable } from "../datasets/batch.ts";
import { syntheticDigits } from "../datasets/synthetic.ts";
import { mlpScore } from "../lib/nn/forward.ts";
import { createMlp } from "../lib/nn/mlp.ts";
import { sgdStep } from "../lib/nn/sgd.ts";
import { Workspace } from "../lib/nn/workspace.ts";
import { Rng } from "../lib/random/rng.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import { assert } from "./assert.ts";

Deno.test("synthetic digits are deterministic per seed and sample-addressable", () => {
  const a = syntheticDigits({ seed: 3, split: "train", count: 50 });
  const b = syntheticDigits({ seed: 3, split: "train", count: 50 });
  assert.deepEqual(a.pixels, b.pixels);
  assert.deepEqual(a.labels, b.labels);
  const prefix = syntheticDigits({ seed: 3, split: "train", count: 20 });
  assert.deepEqual(prefix.pixels, a.pixels.subarray(0, 20 * 784));
  const other = syntheticDigits({ seed: 4, split: "train", count: 50 });
  assert.notDeepEqual(other.pixels, a.pixels);
  const test = syntheticDigits({ seed: 3, split: "test", count: 50 });
  assert.notDeepEqual(test.pixels, a.pixels);
  assert.equal(a.height * a.width, 784);
  assert.equal(a.classes, 10);
  for (const y of a.labels) assert.ok(y < 10);
  // Images have ink, and not everywhere.
  const mean = a.pixels.reduce((s, v) => s + v, 0) / a.pixels.length;
  assert.ok(mean > 10 && mean < 80, `mean pixel ${mean}`);
});

Deno.test("a small MLP learns synthetic digits well above chance but not perfectly in 300 steps", () => {
  const k = naiveKernels;
  const train = syntheticDigits({ seed: 1, split: "train", count: 3000 });
  const test = syntheticDigits({ seed: 1, split: "test", count: 500 });
  const widths = [784, 32, 10];
  const net = createMlp(k, { widths, dtype: "float32", init: "he", seed: 1 });
  const ws = new Workspace(k, widths, 500, "float32");
  const table = pixelTable("255", "float32");
  const labels = new Int32Array(500);
  const accuracy = () => {
    fillBatch(test, Array.from({ length: 500 }, (_, i) => i), table, ws.input, labels);
    return mlpScore(k, net, ws.rows(500), labels).correct / 500;
  };
  const before = accuracy();
  const order = Rng.named(1, "test-order");
  for (let t = 0; t < 300; t++) {
    const batch = Array.from({ length: 16 }, () => order.int(train.count));
    fillBatch(train, batch, table, ws.input, labels);
    sgdStep(k, net, ws.rows(16), labels, 0.1);
  }
  const after = accuracy();
  assert.ok(before < 0.25, `untrained accuracy ${before}`);
  assert.ok(after > 0.5 && after < 0.95, `accuracy after 300 steps ${after}`);
});
