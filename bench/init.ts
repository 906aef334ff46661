/**
 * Initial-weight benchmarks: Philox4x32-10 blocks per second from the pure-JS reference and the
 * wasm kernel, and initial weights per second (`fillInitialWeights`, He and Glorot, float32) on a
 * 1000 × 10000 block of the authors' 10000 × 10000 layer with either block source. Timed in CPU
 * time (single thread), best of a few rounds: in the authors' run every node draws its share of
 * the rows this way at start-up.
 *
 * @module
 */

import { fillInitialWeights, type InitScheme } from "../lib/nn/init.ts";
import { type PhiloxBlockFill, philoxBlocks } from "../lib/random/philox.ts";
import { Matrix } from "../lib/tensor/matrix.ts";
import { createSharedMemory } from "../lib/tensor/wasm/arena.ts";
import { kernelModule } from "../lib/tensor/wasm/assemble.ts";
import { instantiateWasmKernels } from "../lib/tensor/wasm/wasm-kernels.ts";
import { type BenchRow, type BenchSection, bestSeconds } from "./harness.ts";

/** A row block of layer 2 of the authors' net (10000 × 10000): half of what one of 5 row groups draws. */
const BLOCK = { rows: 1000, cols: 10000 };
/** Blocks per call of the raw block-rate figures. */
const BLOCKS = 1 << 20;

/** The init section of `deno task bench`. */
export const initSection: BenchSection = {
  name: "init",
  async run(report: (row: BenchRow) => void) {
    const wasm = instantiateWasmKernels(await kernelModule(), createSharedMemory());
    const sources: [string, PhiloxBlockFill][] = [["JS", philoxBlocks], ["wasm", wasm.philoxBlocks]];
    const words = new Uint32Array(4 * BLOCKS);
    for (const [label, fill] of sources) {
      const seconds = bestSeconds(() => fill(1, 2, 3, BLOCKS, words), { rounds: 3, cpu: true });
      report({
        name: `philox4x32-10 blocks, ${label}, CPU time`,
        value: BLOCKS / seconds / 1e6,
        unit: "M/s",
      });
    }
    const w = Matrix.zeros(BLOCK.rows, BLOCK.cols, "float32");
    for (const scheme of ["he", "glorot"] as InitScheme[]) {
      const spec = { seed: 1, scheme, layer: 1, fanIn: 10000, fanOut: 10000, row0: 2000 };
      for (const [label, fill] of sources) {
        const seconds = bestSeconds(() => fillInitialWeights(w, spec, fill), {
          rounds: 2,
          minRoundMs: 0,
          cpu: true,
        });
        report({
          name: `init ${scheme} f32 ${BLOCK.rows}×${BLOCK.cols}, ${label} Philox, CPU`,
          value: (BLOCK.rows * BLOCK.cols) / seconds / 1e6,
          unit: "M/s",
        });
      }
    }
  },
};
