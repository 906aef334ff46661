/**
 * Tensor kernel benchmarks: GEMM GFLOP/s (1024³ and the MLP shapes of issue 2), GEMV/GER on a
 * cache-resident layer (B = 1 on the demo MLP) and in GB/s on a weight block of the authors'
 * configuration, and the cost of setting the wasm kernels up.
 *
 * Goals (issue 2): fp32 GEMM ≥ 30 GFLOP/s at 1024³ and ≥ 20 on the MLP shapes. They are timed
 * on the wall clock and again by CPU time (the machine is shared: on the wall clock a loaded
 * machine shows the time the thread waited for a core). GEMV/GER are
 * memory-bound, so their goal is the copy bandwidth measured in the same run (bytes read +
 * written per second by `TypedArray.set` on an operand far larger than the caches).
 *
 * @module
 */

import { groupSumsModule, sumGroups, WasmGroupSums } from "../lib/cluster/group-sums.ts";
import { gaussianSystematic } from "../lib/codes/generators.ts";
import { regenerateChecked, regenerationCoefficients } from "../lib/codes/regeneration.ts";
import type { Kernels } from "../lib/tensor/kernels.ts";
import type { DType, Matrix } from "../lib/tensor/matrix.ts";
import type { CombineAndCompare } from "../lib/tensor/naive-combine.ts";
import { naiveNormKernels } from "../lib/tensor/naive-norms.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import { tsKernels } from "../lib/tensor/ts-kernels.ts";
import { createSharedMemory } from "../lib/tensor/wasm/arena.ts";
import { kernelModule } from "../lib/tensor/wasm/assemble.ts";
import { instantiateWasmKernels } from "../lib/tensor/wasm/wasm-kernels.ts";
import { type BenchRow, type BenchSection, bestSeconds } from "./harness.ts";

/** A GEMM shape: C (m × n) = op(A) (m × k) · op(B) (k × n). */
interface GemmShape {
  readonly label: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

/** The MLP shapes of issue 2 (784-256-256-10, batch 64): forward, backward and update products. */
const MLP_SHAPES: readonly GemmShape[] = [
  { label: "64×784·784×256", m: 64, n: 256, k: 784, transA: false, transB: false },
  { label: "64×256·256×256", m: 64, n: 256, k: 256, transA: false, transB: false },
  { label: "784×64·64×256 (Aᵀ)", m: 784, n: 256, k: 64, transA: true, transB: false },
  { label: "64×256·256×256ᵀ", m: 64, n: 256, k: 256, transA: false, transB: true },
];

const CUBE: GemmShape = { label: "1024³", m: 1024, n: 1024, k: 1024, transA: false, transB: false };

/**
 * A weight block of the authors' run: layer 2 is 10000 × 10000, cut 5 × 4 → 2000 × 2500 per node.
 * Twice that on each side is used so that the block (80 MB in f32) cannot sit in the 32 MB L3.
 */
const BLOCK = { rows: 4000, cols: 5000 };

function filled(kernels: Kernels, rows: number, cols: number, dtype: DType): Matrix {
  const m = kernels.matrix(rows, cols, dtype);
  for (let i = 0; i < m.data.length; i++) m.data[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  return m;
}

function gemmGflops(kernels: Kernels, s: GemmShape, dtype: DType, rounds: number, cpu = false): number {
  const a = s.transA ? filled(kernels, s.k, s.m, dtype) : filled(kernels, s.m, s.k, dtype);
  const b = s.transB ? filled(kernels, s.n, s.k, dtype) : filled(kernels, s.k, s.n, dtype);
  const c = kernels.matrix(s.m, s.n, dtype);
  const seconds = bestSeconds(() => kernels.gemm(s.transA, s.transB, 1, a, b, 0, c), { rounds, cpu });
  return (2 * s.m * s.n * s.k) / seconds / 1e9;
}

/** The tensor section of `deno task bench`. */
export const tensorSection: BenchSection = {
  name: "tensor",
  async run(report: (row: BenchRow) => void) {
    let start = performance.now();
    const module = await kernelModule();
    report({ name: "wasm module: assemble (wabt) + compile", value: performance.now() - start, unit: "ms" });
    start = performance.now();
    const wasm = instantiateWasmKernels(module, createSharedMemory());
    report({
      name: "wasm kernels: instantiate (as in a Worker)",
      value: performance.now() - start,
      unit: "ms",
    });

    report({
      name: `gemm f32 ${CUBE.label} wasm`,
      value: gemmGflops(wasm, CUBE, "float32", 7),
      unit: "GFLOP/s",
      goal: 30,
    });
    report({
      name: `gemm f64 ${CUBE.label} wasm`,
      value: gemmGflops(wasm, CUBE, "float64", 5),
      unit: "GFLOP/s",
    });
    report({
      name: `gemm f32 ${CUBE.label} ts`,
      value: gemmGflops(tsKernels, CUBE, "float32", 3),
      unit: "GFLOP/s",
    });
    for (const shape of MLP_SHAPES) {
      report({
        name: `gemm f32 ${shape.label} wasm`,
        value: gemmGflops(wasm, shape, "float32", 15),
        unit: "GFLOP/s",
        goal: 20,
      });
    }
    {
      // The input layer as the trainer runs it: W₀ (256 × 784) pre-packed, dense random inputs
      // (a batch with all-zero columns skips them, see lib/tensor/wasm/panel-gemm.ts; a mostly-zero
      // batch takes the sparse products, timed below).
      const x = filled(wasm, 64, 784, "float32");
      const packed = wasm.inputWeights(filled(wasm, 256, 784, "float32"));
      const s = wasm.matrix(64, 256, "float32");
      const flops = 2 * 64 * 784 * 256;
      for (const cpu of [false, true]) {
        const clock = cpu ? ", CPU time" : "";
        report({
          name: `inputForward f32 64×784·W₀ᵀ packed wasm${clock}`,
          value: flops / bestSeconds(() => wasm.inputForward(x, packed, s), { rounds: 15, cpu }) / 1e9,
          unit: "GFLOP/s",
          goal: 20,
        });
        report({
          name: `inputUpdate f32 W₀ 256×784, B=64 wasm${clock}`,
          value: flops / bestSeconds(() => wasm.inputUpdate(1e-9, s, x, packed), { rounds: 15, cpu }) / 1e9,
          unit: "GFLOP/s",
          goal: 20,
        });
      }
      // A batch as sparse as MNIST's: non-zero entries only in the central 500 columns, 30 % of
      // those (about 150 per row); the sparse products (lib/tensor/wasm/sparse-input.ts). Microseconds
      // per call by CPU time (the dense products on the same columns: 64·500·256·2 flops at the
      // GFLOP/s above).
      const sparse = filled(wasm, 64, 784, "float32");
      for (let i = 0; i < sparse.data.length; i++) {
        const j = i % 784;
        if (j < 142 || j >= 642 || ((i * 2654435761) >>> 0) % 100 >= 30) sparse.data[i] = 0;
      }
      report({
        name: "inputForward f32, MNIST-like sparse batch (19 % non-zero), CPU time",
        value: 1e6 * bestSeconds(() => wasm.inputForward(sparse, packed, s), { rounds: 15, cpu: true }),
        unit: "µs",
      });
      report({
        name: "inputUpdate f32, MNIST-like sparse batch (19 % non-zero), CPU time",
        value: 1e6 * bestSeconds(() => wasm.inputUpdate(1e-9, s, sparse, packed), { rounds: 15, cpu: true }),
        unit: "µs",
      });
    }
    // The goal figures again, timed by CPU time: what the kernels do when they have a core.
    report({
      name: `gemm f32 ${CUBE.label} wasm, CPU time`,
      value: gemmGflops(wasm, CUBE, "float32", 7, true),
      unit: "GFLOP/s",
      goal: 30,
    });
    for (const shape of MLP_SHAPES) {
      report({
        name: `gemm f32 ${shape.label} wasm, CPU time`,
        value: gemmGflops(wasm, shape, "float32", 15, true),
        unit: "GFLOP/s",
        goal: 20,
      });
    }
    for (const shape of MLP_SHAPES) {
      report({
        name: `gemm f32 ${shape.label} ts`,
        value: gemmGflops(tsKernels, shape, "float32", 3),
        unit: "GFLOP/s",
      });
    }
    for (const shape of MLP_SHAPES) {
      report({
        name: `gemm f32 ${shape.label} naive`,
        value: gemmGflops(naiveKernels, shape, "float32", 2),
        unit: "GFLOP/s",
      });
    }

    // B = 1 on the demo MLP: its 256 × 784 layer (0.8 MB in f32) stays in L3 (L2 is 512 KB).
    {
      const a = filled(wasm, 256, 784, "float32");
      const x = wasm.vector(784, "float32").fill(0.5);
      const y = wasm.vector(256, "float32").fill(0.25);
      const flops = 2 * 256 * 784;
      const gemv = flops / bestSeconds(() => wasm.gemv(false, 1, a, x, 0, y)) / 1e9;
      report({ name: "gemv f32 256×784 wasm (L3-resident, B=1 MLP)", value: gemv, unit: "GFLOP/s" });
      const gemvT = flops / bestSeconds(() => wasm.gemv(true, 1, a, y, 0, x)) / 1e9;
      report({ name: "gemvᵀ f32 256×784 wasm (L3-resident)", value: gemvT, unit: "GFLOP/s" });
      const ger = flops / bestSeconds(() => wasm.ger(1e-9, y, x, a)) / 1e9;
      report({ name: "ger f32 256×784 wasm (L3-resident)", value: ger, unit: "GFLOP/s" });
    }

    for (const dtype of ["float32", "float64"] as const) {
      const t = dtype === "float32" ? "f32" : "f64";
      const { rows, cols } = BLOCK;
      const bytes = rows * cols * (dtype === "float32" ? 4 : 8);
      const source = filled(tsKernels, rows, cols, dtype);
      const target = tsKernels.matrix(rows, cols, dtype);
      const copy = (2 * bytes) / bestSeconds(() => target.data.set(source.data), { rounds: 5 }) / 1e9;
      report({ name: `copy ${t} ${rows}×${cols} (bandwidth ceiling)`, value: copy, unit: "GB/s" });
      for (const kernels of [wasm, tsKernels] as Kernels[]) {
        const a = kernels === tsKernels ? source : filled(kernels, rows, cols, dtype);
        const x = kernels.vector(cols, dtype).fill(0.5);
        const y = kernels.vector(rows, dtype).fill(0.25);
        const goal = kernels === wasm ? copy : undefined;
        const name = `${t} ${rows}×${cols} ${kernels.name}`;
        const gemv = bytes / bestSeconds(() => kernels.gemv(false, 1, a, x, 0, y), { rounds: 5 }) / 1e9;
        report({ name: `gemv ${name}`, value: gemv, unit: "GB/s", goal });
        const gemvT = bytes / bestSeconds(() => kernels.gemv(true, 1, a, y, 0, x), { rounds: 5 }) / 1e9;
        report({ name: `gemvᵀ ${name}`, value: gemvT, unit: "GB/s", goal });
        const ger = (2 * bytes) / bestSeconds(() => kernels.ger(1e-9, y, x, a), { rounds: 5 }) / 1e9;
        report({ name: `ger ${name} (read+write)`, value: ger, unit: "GB/s", goal });
        if (kernels === wasm) {
          // The node program's fused backward product and update: one read and one write of A.
          const xr = wasm.vector(rows, dtype).fill(0.5);
          const yc = wasm.vector(cols, dtype);
          const fused = (2 * bytes) /
            bestSeconds(() => wasm.gemvTransGer(1, a, xr, yc, 1e-9, y, x), { rounds: 5 }) / 1e9;
          report({ name: `gemvᵀ + ger fused ${name} (read+write)`, value: fused, unit: "GB/s", goal });
          const separate = bestSeconds(() => {
            wasm.gemv(true, 1, a, xr, 0, yc);
            wasm.ger(1e-9, y, x, a);
          }, { rounds: 5 });
          report({
            name: `gemvᵀ + ger ${name}: separate ÷ fused time`,
            value: separate / ((2 * bytes) / fused / 1e9),
            unit: "×",
          });
          // The authors' B = 1 step streams every block three times (forward, backward, update):
          // 784·10000 + 10000·10000 + 10000·10 weights.
          const weights = 784 * 10000 + 10000 * 10000 + 10000 * 10;
          const perIteration = (weights * (bytes / (rows * cols))) * (1 / gemv + 1 / gemvT + 2 / ger) / 1e9;
          report({
            name: `B=1 paper step, all blocks on one core ${t}`,
            value: perIteration * 1000,
            unit: "ms",
          });
        }
      }
    }

    // A regeneration of the authors' run: a 2000 × 2500 f32 block rebuilt from five of six peers
    // of its grid column and cross-checked with another five; the peers live in other memories.
    const { rows, cols } = { rows: 2000, cols: 2500 };
    const peers = Array.from({ length: 6 }, () => filled(tsKernels, rows, cols, "float32"));
    const blocks: Matrix[] = [peers[0], peers[1], filled(wasm, rows, cols, "float32"), ...peers.slice(2)];
    const plan = { node: 2, ...regenerationCoefficients(gaussianSystematic(7, 5, 1), 2, [0, 1, 3, 4, 5, 6]) };
    const combine: CombineAndCompare = (a, b, out) => wasm.combineAndCompare(a, b, out);
    const fast = bestSeconds(() => regenerateChecked(plan, blocks, blocks[2], combine), { rounds: 5 });
    const naive = bestSeconds(() => regenerateChecked(plan, blocks, blocks[2]), { rounds: 3 });
    report({
      name: `regeneration f32 ${rows}×${cols}, 6 peers, checked: wasm`,
      value: fast * 1000,
      unit: "ms",
    });
    report({ name: `regeneration f32 ${rows}×${cols}: naive ÷ wasm time`, value: naive / fast, unit: "×" });

    // A node's one-sample norm update of a 2000-wide layer (rows or columns), with the largest
    // squared norm returned: v half zeros, as a ReLU layer's δ or x is.
    const width = 2000;
    const sq = wasm.vector(width, "float64") as Float64Array;
    const v = wasm.vector(width, "float32");
    const w = wasm.vector(width, "float32");
    for (let i = 0; i < width; i++) {
      sq[i] = 1 + (i % 7);
      v[i] = i % 3 === 0 ? 0 : ((i * 37) % 11) / 11 - 0.5;
      w[i] = ((i * 13) % 17) / 17 - 0.5;
    }
    const normFast = bestSeconds(() => wasm.squaredNormUpdate(sq, 1e-9, v, w, 1));
    const normNaive = bestSeconds(() => naiveNormKernels.squaredNormUpdate(sq, 1e-9, v, w, 1));
    report({ name: `norm update f32 ${width} (+ largest): wasm`, value: normFast * 1e6, unit: "µs" });
    report({ name: `norm update f32 ${width}: naive ÷ wasm time`, value: normNaive / normFast, unit: "×" });
    // The same layer's input norm ‖x‖² (the update's g and the tolerance's input norm). The
    // reference here runs hot in V8's top tier; in the node it had been inlined at the mid tier.
    let sink = 0; // read below, so that no call is optimised away
    const sqFast = bestSeconds(() => void (sink += wasm.squaredNorm(w, width)));
    const sqNaive = bestSeconds(() => void (sink += naiveNormKernels.squaredNorm(w, width)));
    if (!(sink > 0)) throw new Error(`squared norms summed to ${sink}`);
    report({ name: `squared norm f32 ${width}: wasm`, value: sqFast * 1e6, unit: "µs" });
    report({ name: `squared norm f32 ${width}: naive ÷ wasm time`, value: sqNaive / sqFast, unit: "×" });

    // A CodeNet node's exchange sums on the bench's net (lib/cluster/group-sums.ts): the 38 nodes'
    // partials of 400 entries summed into the 7 grid rows' symbols (6 or 4 contributors each).
    const nodes = 38;
    const length = 400;
    const exchange = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const slots = Array.from(
      { length: nodes },
      (_, p) => new Float32Array(exchange.buffer, p * length * 4, length),
    );
    slots.forEach((slot, p) => slot.forEach((_, i) => (slot[i] = ((p * 31 + i * 7) % 19) / 19 - 0.5)));
    const contributors = Array.from(
      { length: 7 },
      (_, g) => slots.map((_, p) => p).filter((p) => p % 7 === g),
    );
    const symbols = wasm.vector(7 * length, "float32");
    const sumsKernel = new WasmGroupSums(await groupSumsModule(), wasm.arena, exchange, "float32", 7 + nodes);
    const sumsFast = bestSeconds(() => void sumsKernel.sum(contributors, slots, symbols, 0, length, length));
    const sumsNaive = bestSeconds(() => sumGroups(contributors, slots, symbols, 0, length, length));
    report({
      name: `group sums f32 ${nodes}×${length} → 7×${length}: wasm`,
      value: sumsFast * 1e6,
      unit: "µs",
    });
    report({
      name: `group sums f32 ${nodes}×${length}: naive ÷ wasm time`,
      value: sumsNaive / sumsFast,
      unit: "×",
    });
  },
};
