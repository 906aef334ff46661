/**
 * The centralized reference strategy (`--strategy uncoded --workers 1`): the whole network in one
 * process, plain SGD on batches copied from the data set, evaluation in batches of up to
 * {@link EVAL_BATCH} test samples. Every distributed strategy must reproduce its weights when no
 * fault is injected.
 *
 * float64 runs the textbook step (lib/nn/sgd.ts), the exact reference. float32 runs the same step
 * on the fast path (lib/nn/packed-mlp.ts: input weights pre-packed, batches gathered from the
 * pixel bytes by the kernels, element-wise work in the kernels), which agrees with the textbook
 * step to float32 rounding.
 *
 * @module
 */

import { fillBatch, pixelTable } from "../../datasets/batch.ts";
import type { ImageDataset } from "../../datasets/dataset.ts";
import { mlpScore } from "../nn/forward.ts";
import { createMlp, type Mlp, parameterCount } from "../nn/mlp.ts";
import { PackedMlp } from "../nn/packed-mlp.ts";
import { sgdStep } from "../nn/sgd.ts";
import { exportState, importState, type MlpState } from "../nn/state.ts";
import { Workspace } from "../nn/workspace.ts";
import type { Float } from "../tensor/matrix.ts";
import type { Evaluation, SpanResult, Strategy, StrategyContext, StrategyState } from "./strategy.ts";

/** Test samples per evaluation batch. */
export const EVAL_BATCH = 1000;

/** Builds the centralized reference for `context`. */
export function createCentralized(context: StrategyContext): Promise<Strategy> {
  return Promise.resolve(new Centralized(context));
}

class Centralized implements Strategy {
  readonly name = "uncoded";
  readonly nodes = 1;
  readonly #ctx: StrategyContext;
  readonly #net: Mlp;
  /** The fast path (float32), or undefined for the textbook float64 step. */
  readonly #packed: PackedMlp | undefined;
  readonly #trainBuffers: Workspace;
  readonly #evalBuffers: Workspace;
  readonly #table: Float;
  readonly #labels: Int32Array;

  constructor(context: StrategyContext) {
    const { config, kernels: k, test } = context;
    const dtype = config.dtype;
    this.#ctx = context;
    this.#net = createMlp(k, { widths: config.layers, dtype, init: config.init, seed: config.seed });
    this.#packed = dtype === "float32" ? new PackedMlp(k, this.#net) : undefined;
    this.#trainBuffers = new Workspace(k, config.layers, config.batch, dtype);
    const evalRows = Math.min(EVAL_BATCH, test.count);
    this.#evalBuffers = new Workspace(k, config.layers, evalRows, dtype, { signals: false });
    this.#table = k.vector(256, dtype);
    this.#table.set(pixelTable(config.normalize, dtype));
    this.#labels = new Int32Array(Math.max(config.batch, evalRows));
  }

  train(from: number, to: number): Promise<SpanResult> {
    const { config, kernels, train, schedule, onProgress } = this.#ctx;
    let samples = 0;
    let lossSum = 0;
    let correct = 0;
    let lastNotice = performance.now();
    for (let t = from; t < to; t++) {
      const { indices } = schedule.batch(t);
      this.#fill(train, indices, this.#trainBuffers);
      const buffers = this.#trainBuffers.rows(indices.length);
      const score = this.#packed
        ? this.#packed.step(buffers, this.#labels, config.lr)
        : sgdStep(kernels, this.#net, buffers, this.#labels, config.lr);
      samples += indices.length;
      lossSum += score.lossSum;
      correct += score.correct;
      if (!Number.isFinite(score.lossSum)) {
        return Promise.resolve({ samples, lossSum, correct, diverged: true, reached: t + 1 });
      }
      if (onProgress && performance.now() - lastNotice > 250) {
        lastNotice = performance.now();
        onProgress(t + 1);
      }
    }
    return Promise.resolve({ samples, lossSum, correct, diverged: false, reached: to });
  }

  evaluate(): Promise<Evaluation> {
    const { kernels, test } = this.#ctx;
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < test.count; start += this.#evalBuffers.capacity) {
      const end = Math.min(test.count, start + this.#evalBuffers.capacity);
      const indices = Int32Array.from({ length: end - start }, (_, i) => start + i);
      this.#fill(test, indices, this.#evalBuffers);
      const buffers = this.#evalBuffers.rows(indices.length);
      const score = this.#packed
        ? this.#packed.score(buffers, this.#labels)
        : mlpScore(kernels, this.#net, buffers, this.#labels);
      lossSum += score.lossSum;
      correct += score.correct;
    }
    return Promise.resolve({
      samples: test.count,
      loss: lossSum / test.count,
      accuracy: correct / test.count,
    });
  }

  exportState(): Promise<MlpState> {
    return Promise.resolve(exportState(this.#packed ? this.#packed.sync() : this.#net));
  }

  metrics(): Readonly<Record<string, number>> {
    return {};
  }

  /** The weights and biases as float64 sections (W_0, b_0, W_1, b_1, …); nothing else changes. */
  saveState(): Promise<StrategyState> {
    const state = exportState(this.#packed ? this.#packed.sync() : this.#net);
    const sections = state.weights.flatMap((w, l) => [w, state.biases[l]]).map((a) =>
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
    );
    return Promise.resolve({ header: { widths: state.widths }, sections });
  }

  restoreState(state: StrategyState): Promise<void> {
    const f64 = (s: Uint8Array) => new Float64Array(s.slice().buffer);
    const L = this.#net.weights.length;
    if (state.sections.length !== 2 * L) {
      throw new Error(`the checkpoint holds ${state.sections.length / 2} layers, the network ${L}`);
    }
    importState(this.#net, {
      widths: this.#net.widths,
      weights: Array.from({ length: L }, (_, l) => f64(state.sections[2 * l])),
      biases: Array.from({ length: L }, (_, l) => f64(state.sections[2 * l + 1])),
    });
    this.#packed?.load();
    return Promise.resolve();
  }

  summary(): Readonly<Record<string, unknown>> {
    return {
      workers: 1,
      parameters: parameterCount(this.#net.widths),
      kernels: this.#ctx.kernels.name,
    };
  }

  /** Copies the images `indices` into the input rows of `buffers` and their labels into #labels. */
  #fill(data: ImageDataset, indices: Int32Array, buffers: Workspace): void {
    if (this.#packed) {
      this.#ctx.kernels.gatherBytes(data.pixels, indices, this.#table, buffers.input);
      for (let r = 0; r < indices.length; r++) this.#labels[r] = data.labels[indices[r]];
    } else {
      fillBatch(data, indices, this.#table, buffers.input, this.#labels);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
