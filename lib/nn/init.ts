/**
 * Initial weights, position-addressable: element (i, j) of layer l's weight matrix (N_l × N_{l−1},
 * output-major) is a pure function of (seed, scheme, l, i, j). It is drawn from block
 * `i·N_{l−1} + j` of the stream `Rng.named(seed, "init/<l>")`, one Philox block (four words) per
 * element. So a node of a distributed run generates exactly its own blocks of W, and every
 * strategy starts from the same weights as the centralized reference. The blocks can come from
 * the wasm kernels' `philoxBlocks` (the node program does): same words, same weights.
 *
 * - He (Kaiming) normal: N(0, 2 / fan_in), for ReLU layers (He et al. 2015).
 * - Glorot (Xavier) uniform: U(−a, a), a = √(6 / (fan_in + fan_out)) (Glorot & Bengio 2010).
 *
 * Biases start at zero.
 *
 * @example
 * ```ts
 * import { fillInitialWeights } from "./init.ts";
 * import { Matrix } from "../tensor/matrix.ts";
 * const w = Matrix.zeros(256, 784, "float64");
 * fillInitialWeights(w, { seed: 1, scheme: "he", layer: 0, fanIn: 784, fanOut: 256 });
 * ```
 *
 * @module
 */

import { type PhiloxBlockFill, philoxBlocks } from "../random/philox.ts";
import { Rng, uniform53 } from "../random/rng.ts";
import type { Kernels } from "../tensor/kernels.ts";
import type { Matrix } from "../tensor/matrix.ts";
import type { WasmKernels } from "../tensor/wasm/wasm-kernels.ts";

/** Initialisation schemes. */
export type InitScheme = "he" | "glorot";

/** Which weights to generate: a layer, and optionally where a block sits in its matrix. */
export interface InitSpec {
  /** Seed of the run. */
  readonly seed: number;
  /** Initialisation scheme. */
  readonly scheme: InitScheme;
  /** Layer index l, 0 for the layer fed by the input. */
  readonly layer: number;
  /** Inputs of the layer N_{l−1} (columns of the full matrix). */
  readonly fanIn: number;
  /** Outputs of the layer N_l (rows of the full matrix). */
  readonly fanOut: number;
  /** Row of the full matrix where the block starts (default 0). */
  readonly row0?: number;
  /** Column of the full matrix where the block starts (default 0). */
  readonly col0?: number;
}

/**
 * The fastest Philox block source a kernel set offers: the wasm kernels' `philoxBlocks`, else the
 * reference `philoxBlocks` (same words either way).
 */
export function philoxSourceOf(k: Kernels): PhiloxBlockFill {
  return (k as Partial<Pick<WasmKernels, "philoxBlocks">>).philoxBlocks ?? philoxBlocks;
}

/** Elements whose Philox blocks are drawn per call of the block source (64 KiB of words). */
const CHUNK = 4096;

/**
 * Fills `w` with the initial weights of the block of layer `spec.layer` whose top-left element is
 * (row0, col0) of the full N_l × N_{l−1} matrix; with the defaults, `w` is the full matrix.
 *
 * `fill` computes the Philox blocks (default: the pure-JS reference `philoxBlocks`); pass the wasm
 * kernels' `philoxBlocks` for speed. The weights are the same bit for bit either way: element
 * (i, j) takes u from words 0–1 and v from words 2–3 of its block ({@link uniform53}, as
 * `Rng.next` would), and the He / Glorot expression is evaluated here in JS.
 */
export function fillInitialWeights(w: Matrix, spec: InitSpec, fill: PhiloxBlockFill = philoxBlocks): void {
  const { seed, scheme, layer, fanIn, fanOut, row0 = 0, col0 = 0 } = spec;
  if (row0 < 0 || col0 < 0 || row0 + w.rows > fanOut || col0 + w.cols > fanIn) {
    throw new RangeError(
      `block ${w.rows}×${w.cols} at (${row0}, ${col0}) outside layer ${layer}'s ${fanOut}×${fanIn} matrix`,
    );
  }
  const stream = Rng.named(seed, `init/${layer}`);
  const std = Math.sqrt(2 / fanIn);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const words = new Uint32Array(4 * Math.min(w.cols, CHUNK));
  const data = w.data;
  for (let i = 0; i < w.rows; i++) {
    // One block per element: consecutive elements of a row are consecutive blocks.
    const position = (row0 + i) * fanIn + col0;
    const base = w.offset + i * w.ld;
    for (let j0 = 0; j0 < w.cols; j0 += CHUNK) {
      const n = Math.min(CHUNK, w.cols - j0);
      stream.blocks(position + j0, n, words, fill);
      for (let j = 0; j < n; j++) {
        const u = uniform53(words[4 * j], words[4 * j + 1]);
        const v = uniform53(words[4 * j + 2], words[4 * j + 3]);
        data[base + j0 + j] = scheme === "he"
          ? std * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v)
          : limit * (2 * u - 1);
      }
    }
  }
}
