import { fillBatch, pixelTable } from "../datasets/batch.ts";
import { syntheticDigits } from "../datasets/synthetic.ts";
import { createMlp } from "../lib/nn/mlp.ts";
import { PackedMlp } from "../lib/nn/packed-mlp.ts";
import { sgdStep } from "../lib/nn/sgd.ts";
import {
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyForward,
  softmaxCrossEntropyStep,
} from "../lib/nn/softmax-cross-entropy.ts";
import { exportState, type MlpState } from "../lib/nn/state.ts";
import { Workspace } from "../lib/nn/workspace.ts";
import { Rng } from "../lib/random/rng.ts";
import type { Kernels } from "../lib/tensor/kernels.ts";
import { Matrix } from "../lib/tensor/matrix.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import { tsKernels } from "../lib/tensor/ts-kernels.ts";
import { createWasmKernels } from "../lib/tensor/wasm/create-wasm-kernels.ts";
import { assert } from "./assert.ts";
import { stateDifference } from "./distributed_fixture.ts";

const WIDTHS = [784, 24, 12, 10];
const BATCH = 8;
const STEPS = 40;
const data = syntheticDigits({ seed: 4, split: "train", count: BATCH * STEPS });

/** Trains STEPS float32 steps with the textbook step (`packed` false) or PackedMlp; returns the weights and losses. */
function train(k: Kernels, packed: boolean): { state: MlpState; losses: number[] } {
  const net = createMlp(k, { widths: WIDTHS, dtype: "float32", init: "he", seed: 6 });
  const fast = packed ? new PackedMlp(k, net) : undefined;
  const ws = new Workspace(k, WIDTHS, BATCH, "float32");
  const table = k.vector(256, "float32");
  table.set(pixelTable("255", "float32"));
  const labels = new Int32Array(BATCH);
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    const indices = Int32Array.from({ length: BATCH }, (_, i) => t * BATCH + i);
    if (fast) {
      k.gatherBytes(data.pixels, indices, table, ws.input);
      indices.forEach((i, r) => (labels[r] = data.labels[i]));
    } else {
      fillBatch(data, indices, table, ws.input, labels);
    }
    const score = fast
      ? fast.step(ws.rows(BATCH), labels, 0.1)
      : sgdStep(k, net, ws.rows(BATCH), labels, 0.1);
    losses.push(score.lossSum);
  }
  return { state: exportState(fast ? fast.sync() : net), losses };
}

Deno.test("PackedMlp with the naive and ts kernels is the textbook SGD step bit for bit (float32)", () => {
  for (const k of [naiveKernels, tsKernels]) {
    const reference = train(k, false);
    const packed = train(k, true);
    assert.deepEqual(packed.losses, reference.losses, `${k.name}: losses`);
    assert.equal(stateDifference(packed.state, reference.state), 0, `${k.name}: weights`);
    assert.ok(reference.losses.at(-1)! < reference.losses[0], "it learns");
  }
});

Deno.test("PackedMlp on the wasm kernels follows the textbook step to float32 rounding", async () => {
  const wasm = await createWasmKernels();
  const reference = train(naiveKernels, false);
  const packed = train(wasm, true);
  const d = stateDifference(packed.state, reference.state);
  assert.ok(d > 0 && d < 1e-4, `relative difference ${d.toExponential(2)}`);
});

Deno.test("softmaxCrossEntropyStep equals the separate forward and backward, NaN rows included", () => {
  const rng = Rng.named(3, "softmax-step");
  const logits = Matrix.zeros(6, 10, "float32");
  for (let i = 0; i < logits.data.length; i++) logits.data[i] = rng.uniform(-8, 8);
  logits.set(4, 3, NaN);
  const labels = Int32Array.from({ length: 6 }, () => rng.int(10));
  const expected = Matrix.zeros(6, 10, "float32");
  softmaxCrossEntropyBackward(logits, labels, expected);
  const score = softmaxCrossEntropyForward(logits, labels);
  const delta = Matrix.zeros(6, 10, "float32");
  const fused = softmaxCrossEntropyStep(logits, labels, delta);
  assert.deepEqual(fused.correct, score.correct);
  assert.ok(Number.isNaN(fused.lossSum) && Number.isNaN(score.lossSum));
  assert.deepEqual([...delta.data], [...expected.data]);
  const clean = logits.view(0, 0, 4, 10);
  const cleanScore = softmaxCrossEntropyStep(clean, labels, delta.view(0, 0, 4, 10));
  assert.deepEqual(cleanScore, softmaxCrossEntropyForward(clean, labels));
});
