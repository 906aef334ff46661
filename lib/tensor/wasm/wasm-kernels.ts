/**
 * `wasmKernels`: the WebAssembly SIMD implementation of {@link Kernels}, running on a shared
 * `WebAssembly.Memory` through an {@link Arena}.
 *
 * Operands allocated with `kernels.matrix()` / `kernels.vector()` (or views of them) live in the
 * kernels' memory and are used in place. Any other operand (a plain typed array, another
 * memory) still gives the right answer: it is copied into a staging region inside the memory,
 * the kernel runs in wasm, and outputs are copied back; that costs one extra pass over it.
 *
 * One instance per thread. This file does not load the assembler, so a Worker that imports it
 * and receives the compiled module instantiates the kernels in well under a millisecond:
 *
 * ```ts ignore
 * // main thread (create-wasm-kernels.ts assembles and compiles once per thread)
 * const kernels = await createWasmKernels();                   // or { memory } of your own
 * worker.postMessage({ memory: kernels.memory, module: kernels.module });
 * // in the Worker: no assembly, no compilation, just instantiation
 * const { memory, module } = event.data;
 * const kernels = instantiateWasmKernels(module, memory);
 * const w = kernels.arena.matrixAt(address, rows, cols, "float32"); // a region the main thread allocated
 * ```
 *
 * @module
 */

import {
  checkBias,
  checkGemmShapes,
  checkGemvShapes,
  checkGerShapes,
  checkRankUpdateShapes,
  checkSameDtype,
  checkSameShape,
  type Kernels,
} from "../kernels.ts";
import {
  checkGather,
  checkInputForwardShapes,
  checkInputUpdateShapes,
  type InputWeights,
  readInputWeightsInto,
} from "../input-weights.ts";
import type { DType, Float, Matrix } from "../matrix.ts";
import { combinationMatrices, type CombineReport, type LinearCombination } from "../naive-combine.ts";
import { checkNormLength, checkNormOperands, naiveNormKernels, type NormKernels } from "../naive-norms.ts";
import { checkQuickMargin, jsQuickMargin, type QuickMargin } from "../naive-quick-margin.ts";
import { checkPhiloxBlocks } from "../../random/philox.ts";
import { Arena } from "./arena.ts";
import { blockedGemm, BLOCKING, gemmScratchBytes } from "./gemm-driver.ts";
import {
  compactNonzero,
  groupAdjacent,
  type GroupedIndices,
  panelForward,
  panelForwardScratch,
  panelUpdate,
  panelUpdateScratch,
  type PlacedIndices,
  type PlacedPanels,
} from "./panel-gemm.ts";
import {
  compressColumns,
  type CompressedInput,
  compressRows,
  sparseForward,
  sparseLimit,
  sparseScratchBytes,
  sparseUpdate,
} from "./sparse-input.ts";
import { ScratchRegion, Staging } from "./staging.ts";
import { exportsFor, type KernelExports } from "./wat-module.ts";
import type { PhiloxBlocksExport } from "./wat-philox.ts";

/**
 * Elements of every operand `combineAndCompare` handles per wasm call (whole rows, at least one):
 * six float32 peers' bands and two float64 sums stay in the core's L2 cache.
 */
const COMBINE_BAND = 8192;
/** Philox blocks generated per wasm call (64 KiB of scratch), then copied to the caller's array. */
const PHILOX_CHUNK = 4096;
const TWO_32 = 4294967296;

/** The wasm kernels plus what is needed to share them with other threads. */
export interface WasmKernels extends Kernels, NormKernels {
  /** The allocator over {@link memory}; `arena.matrixAt(address, …)` wraps regions posted by other threads. */
  readonly arena: Arena;
  /** The shared memory the kernels run on (post it to a Worker to share data). */
  readonly memory: WebAssembly.Memory;
  /** The compiled kernel module (post it to a Worker to skip assembly and compilation there). */
  readonly module: WebAssembly.Module;
  /**
   * The fused B = 1 backward product and update, in one pass over A: y ← α·Aᵀ·x, then
   * A ← A + γ·u·vᵀ. Bit for bit `gemv(true, α, A, x, 0, y)` followed by `ger(γ, u, v, A)`;
   * reference: `naiveGemvTransGer` (lib/tensor/naive-fused.ts). y must not overlap A, u or v.
   */
  gemvTransGer(alpha: number, a: Matrix, x: Float, y: Float, gamma: number, u: Float, v: Float): void;
  /**
   * Consecutive Philox4x32-10 blocks (a `PhiloxBlockFill`, lib/random/philox.ts): the blocks for
   * key (k0, k1) and counters first … first + count − 1 into `out[0 … 4·count − 1]`, bit for bit
   * the reference `philoxBlocks`. Bound to these kernels: pass it as is to `Rng.blocks` or
   * `fillInitialWeights`.
   */
  philoxBlocks(k0: number, k1: number, first: number, count: number, out: Uint32Array): void;
  /**
   * A regeneration's rebuild and cross-check (lib/codes/regeneration.ts), bit for bit the reference
   * `naiveCombineAndCompare` (lib/tensor/naive-combine.ts): out ← the first combination, formed in
   * float64 and rounded to out's type; the largest difference from the second as stored; the peak
   * |entry| of every matrix. Matrices in other memories (peers' blocks) are copied in a band of
   * rows at a time, so the scratch stays small whatever the blocks' size. out must not overlap them.
   */
  combineAndCompare(first: LinearCombination, second: LinearCombination | null, out: Matrix): CombineReport;
  /**
   * The decoder's quick clean test (a {@link QuickMargin}, bound to these kernels: pass it as is as
   * the decoder's `quickMargin`), bit for bit the reference `jsQuickMargin`
   * (lib/tensor/naive-quick-margin.ts).
   * Symbols of one dtype that live in the kernels' memory are read in place; any other call runs
   * the reference.
   */
  readonly syndromeMargin: QuickMargin;
}

/**
 * Wasm kernels from an already compiled kernel module (`kernels.module` of another instance, or
 * `await kernelModule()`) over a shared memory: synchronous and cheap, for Workers.
 */
export function instantiateWasmKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): WasmKernels {
  const arena = new Arena(memory);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return new WasmKernelSet(arena, module, instance);
}

class WasmKernelSet implements WasmKernels {
  readonly name = "wasm";
  readonly memory: WebAssembly.Memory;
  readonly #wasm: Record<DType, KernelExports>;
  readonly #scratch: ScratchRegion;
  readonly #byteScratch: ScratchRegion;
  readonly #maskScratch: ScratchRegion;
  readonly #groupScratch: ScratchRegion;
  readonly #sparseScratch: ScratchRegion;
  readonly #staging: Staging;
  readonly #philox: PhiloxBlocksExport;
  readonly #philoxScratch: ScratchRegion;
  readonly #combineScratch: ScratchRegion;
  readonly #marginScratch: ScratchRegion;
  readonly #marginReference = jsQuickMargin();
  #marginViews: { at: number; h: Float64Array; ptrs: Int32Array } | null = null;

  constructor(readonly arena: Arena, readonly module: WebAssembly.Module, instance: WebAssembly.Instance) {
    this.memory = arena.memory;
    this.#wasm = { float32: exportsFor(instance, "f32"), float64: exportsFor(instance, "f64") };
    this.#scratch = new ScratchRegion(arena);
    this.#byteScratch = new ScratchRegion(arena);
    this.#maskScratch = new ScratchRegion(arena);
    this.#groupScratch = new ScratchRegion(arena);
    this.#sparseScratch = new ScratchRegion(arena);
    this.#staging = new Staging(arena);
    this.#philox = instance.exports.philox_blocks as PhiloxBlocksExport;
    this.#philoxScratch = new ScratchRegion(arena);
    this.#combineScratch = new ScratchRegion(arena);
    this.#marginScratch = new ScratchRegion(arena);
  }

  readonly syndromeMargin: QuickMargin = (ys, n, h, inv0, inv1, r, len) => {
    checkQuickMargin(ys, n, h, r, len);
    const float32 = ys[0] instanceof Float32Array;
    for (let i = 0; i < n; i++) {
      if (!this.arena.owns(ys[i]) || (ys[i] instanceof Float32Array) !== float32) {
        return this.#marginReference(ys, n, h, inv0, inv1, r, len);
      }
    }
    // The coefficients (r·n f64), then the symbols' addresses (n i32). The views are made again
    // only for a new region: views made before the memory grew stay valid (it is shared).
    const at = this.#marginScratch.ensure(20 * Math.max(n, 8));
    let views = this.#marginViews;
    if (views === null || views.at !== at || views.ptrs.length < n) {
      const buffer = this.memory.buffer;
      const size = Math.max(n, 8);
      views = {
        at,
        h: new Float64Array(buffer, at, 2 * size),
        ptrs: new Int32Array(buffer, at + 16 * size, size),
      };
      this.#marginViews = views;
    }
    const { h: coefficients, ptrs } = views;
    for (let k = 0; k < r * n; k++) coefficients[k] = h[k];
    for (let i = 0; i < n; i++) ptrs[i] = ys[i].byteOffset;
    const w = this.#wasm[float32 ? "float32" : "float64"];
    return (r === 1 ? w.quick_margin1 : w.quick_margin2)(len, n, ptrs.byteOffset, at, inv0, inv1);
  };

  readonly philoxBlocks = (k0: number, k1: number, first: number, count: number, out: Uint32Array): void => {
    checkPhiloxBlocks(first, count, out);
    const at = this.#philoxScratch.ensure(16 * Math.min(count, PHILOX_CHUNK));
    for (let done = 0; done < count; done += PHILOX_CHUNK) {
      const n = Math.min(PHILOX_CHUNK, count - done);
      const c = first + done;
      this.#philox(k0, k1, c % TWO_32, Math.floor(c / TWO_32), n, at);
      out.set(new Uint32Array(this.memory.buffer, at, 4 * n), 4 * done);
    }
  };

  matrix(rows: number, cols: number, dtype: DType): Matrix {
    return this.arena.matrix(rows, cols, dtype);
  }

  vector(length: number, dtype: DType): Float {
    return this.arena.vector(length, dtype);
  }

  gemm(transA: boolean, transB: boolean, alpha: number, a: Matrix, b: Matrix, beta: number, c: Matrix): void {
    const k = checkGemmShapes(transA, transB, a, b, c);
    checkSameDtype("gemm", a, b, c);
    if (c.rows === 0 || c.cols === 0) return;
    if (k === 0 || alpha === 0) return scale(c, beta);
    const staging = this.#staging;
    staging.begin();
    const [sa, sb, sc] = [staging.matrix(a), staging.matrix(b), staging.matrix(c, true)];
    const blocking = BLOCKING[c.dtype];
    const scratch = this.#scratch.ensure(
      gemmScratchBytes(blocking, c.data.BYTES_PER_ELEMENT, c.rows, c.cols, k),
    );
    blockedGemm(
      this.#wasm[c.dtype],
      blocking,
      transA,
      transB,
      alpha,
      this.#placed(sa),
      this.#placed(sb),
      beta,
      this.#placed(sc),
      k,
      scratch,
    );
    staging.end();
  }

  gemv(trans: boolean, alpha: number, a: Matrix, x: Float, beta: number, y: Float): void {
    checkGemvShapes(trans, a, x, y);
    checkSameDtype("gemv", a, x, y);
    const staging = this.#staging;
    staging.begin();
    const [sa, sx, sy] = [staging.matrix(a), staging.vector(x), staging.vector(y, true)];
    const wasm = this.#wasm[a.dtype];
    (trans ? wasm.gemv_t : wasm.gemv_n)(
      this.#address(sa),
      sa.ld * sa.data.BYTES_PER_ELEMENT,
      sa.rows,
      sa.cols,
      this.#address(sx),
      alpha,
      beta,
      this.#address(sy),
    );
    staging.end();
  }

  ger(alpha: number, x: Float, y: Float, a: Matrix): void {
    checkGerShapes(x, y, a);
    checkSameDtype("ger", x, y, a);
    const staging = this.#staging;
    staging.begin();
    const [sx, sy, sa] = [staging.vector(x), staging.vector(y), staging.matrix(a, true)];
    this.#wasm[a.dtype].ger(
      this.#address(sa),
      sa.ld * sa.data.BYTES_PER_ELEMENT,
      sa.rows,
      sa.cols,
      this.#address(sx),
      this.#address(sy),
      alpha,
    );
    staging.end();
  }

  gemvTransGer(alpha: number, a: Matrix, x: Float, y: Float, gamma: number, u: Float, v: Float): void {
    checkGemvShapes(true, a, x, y);
    checkGerShapes(u, v, a);
    checkSameDtype("gemvTransGer", a, x, y, u, v);
    const staging = this.#staging;
    staging.begin();
    const [sa, sx, sy, su, sv] = [
      staging.matrix(a, true),
      staging.vector(x),
      staging.vector(y, true),
      staging.vector(u),
      staging.vector(v),
    ];
    this.#wasm[a.dtype].gemv_t_ger(
      this.#address(sa),
      sa.ld * sa.data.BYTES_PER_ELEMENT,
      sa.rows,
      sa.cols,
      this.#address(sx),
      alpha,
      this.#address(sy),
      this.#address(su),
      this.#address(sv),
      gamma,
    );
    staging.end();
  }

  rankUpdate(alpha: number, a: Matrix, b: Matrix, w: Matrix): void {
    checkRankUpdateShapes(a, b, w);
    this.gemm(true, false, alpha, a, b, 1, w);
  }

  biasRelu(x: Matrix, bias: Float): void {
    this.#bias("bias_relu", x, bias);
  }

  biasAdd(x: Matrix, bias: Float): void {
    this.#bias("bias_add", x, bias);
  }

  reluBackward(delta: Matrix, z: Matrix): void {
    checkSameShape("reluBackward", delta, z);
    checkSameDtype("reluBackward", delta, z);
    const staging = this.#staging;
    staging.begin();
    const [sd, sz] = [staging.matrix(delta, true), staging.matrix(z)];
    const bytes = sd.data.BYTES_PER_ELEMENT;
    this.#wasm[delta.dtype].relu_backward(
      this.#address(sd),
      sd.ld * bytes,
      sd.rows,
      sd.cols,
      this.#address(sz),
      sz.ld * bytes,
    );
    staging.end();
  }

  addColumnSums(alpha: number, a: Matrix, y: Float): void {
    checkBias(a, y);
    checkSameDtype("addColumnSums", a, y);
    const staging = this.#staging;
    staging.begin();
    const [sa, sy] = [staging.matrix(a), staging.vector(y, true)];
    this.#wasm[a.dtype].column_sums(
      this.#address(sa),
      sa.ld * sa.data.BYTES_PER_ELEMENT,
      sa.rows,
      sa.cols,
      alpha,
      this.#address(sy),
    );
    staging.end();
  }

  gatherBytes(bytes: Uint8Array, indices: ArrayLike<number>, table: Float, x: Matrix): void {
    checkGather(bytes, indices, table, x);
    checkSameDtype("gatherBytes", x, table);
    const rows = indices.length;
    const cols = x.cols;
    if (rows === 0 || cols === 0) return;
    const src = this.#byteScratch.ensure(rows * cols);
    const heap = new Uint8Array(this.memory.buffer, src, rows * cols);
    for (let r = 0; r < rows; r++) {
      const at = indices[r] * cols;
      heap.set(bytes.subarray(at, at + cols), r * cols);
    }
    const staging = this.#staging;
    staging.begin();
    const [st, sx] = [staging.vector(table), staging.matrix(x.view(0, 0, rows, cols), true)];
    this.#wasm[x.dtype].gather_u8(
      src,
      rows,
      cols,
      this.#address(st),
      this.#address(sx),
      sx.ld * sx.data.BYTES_PER_ELEMENT,
    );
    staging.end();
  }

  inputWeights(w: Matrix): InputWeights {
    const nr = BLOCKING[w.dtype].nr;
    const data = this.arena.vector(Math.ceil(w.rows / nr) * nr * w.cols, w.dtype);
    const p: InputWeights = { rows: w.rows, cols: w.cols, dtype: w.dtype, layout: "panels", nr, data };
    if (w.rows === 0 || w.cols === 0) return p;
    const staging = this.#staging;
    staging.begin();
    const sw = staging.matrix(w);
    this.#wasm[w.dtype].pack_b_t(
      this.#address(sw),
      sw.ld * sw.data.BYTES_PER_ELEMENT,
      w.cols,
      w.rows,
      this.#address(data),
    );
    staging.end();
    return p;
  }

  readInputWeights(p: InputWeights, out: Matrix): void {
    readInputWeightsInto(p, out);
  }

  inputForward(x: Matrix, p: InputWeights, out: Matrix): void {
    checkInputForwardShapes(x, p, out);
    checkSameDtype("inputForward", x, p.data, out);
    const panels = this.#panels(p);
    if (out.rows === 0 || out.cols === 0) return;
    if (p.cols === 0) return scale(out, 0);
    const staging = this.#staging;
    staging.begin();
    const [sx, so] = [staging.matrix(x), staging.matrix(out, true)];
    const blocking = BLOCKING[p.dtype];
    const bytes = p.data.BYTES_PER_ELEMENT;
    const wasm = this.#wasm[p.dtype];
    const nonzero = this.#nonzeroColumns(sx);
    const sparse = nonzero.count === 0 ? undefined : this.#compressed(sx, nonzero.count);
    if (nonzero.count === 0) scale(so, 0);
    else if (sparse) sparseForward(wasm, sparse, panels, blocking.nr, this.#placed(so));
    else {
      const columns = this.#grouped(nonzero);
      const scratch = this.#scratch.ensure(panelForwardScratch(blocking, bytes, x.rows, p.cols));
      panelForward(wasm, blocking, this.#placed(sx), panels, this.#placed(so), columns, scratch);
    }
    staging.end();
  }

  inputUpdate(alpha: number, delta: Matrix, x: Matrix, p: InputWeights): void {
    checkInputUpdateShapes(delta, x, p);
    checkSameDtype("inputUpdate", delta, x, p.data);
    const panels = this.#panels(p);
    if (delta.rows === 0 || p.rows === 0 || p.cols === 0 || alpha === 0) return;
    const staging = this.#staging;
    staging.begin();
    const [sd, sx] = [staging.matrix(delta), staging.matrix(x)];
    const blocking = BLOCKING[p.dtype];
    const bytes = p.data.BYTES_PER_ELEMENT;
    const wasm = this.#wasm[p.dtype];
    const columns = this.#nonzeroColumns(sx);
    if (columns.count > 0 && !this.#sparseUpdate(alpha, sd, sx, panels, columns)) {
      const scratch = this.#scratch.ensure(panelUpdateScratch(blocking, bytes, delta.rows, p.rows, p.cols));
      panelUpdate(wasm, blocking, alpha, this.#placed(sd), this.#placed(sx), panels, columns, scratch);
    }
    staging.end();
  }

  /** The list of the columns of an arena-resident X that hold a non-zero entry (see panel-gemm.ts). */
  #nonzeroColumns(x: Matrix): PlacedIndices {
    const at = this.#maskScratch.ensure(4 * x.cols);
    const mask = new Int32Array(this.memory.buffer, at, x.cols);
    mask.fill(0);
    this.#wasm[x.dtype].nonzero_columns(
      this.#address(x),
      x.ld * x.data.BYTES_PER_ELEMENT,
      x.rows,
      x.cols,
      at,
    );
    return { address: at, count: compactNonzero(mask) };
  }

  /**
   * The update over X's non-zero entries (sparse-input.ts) when they are at most SPARSE_SHARE of
   * its rows × non-zero columns; false (nothing done) otherwise. Δ and X are arena-resident.
   */
  #sparseUpdate(
    alpha: number,
    delta: Matrix,
    x: Matrix,
    panels: PlacedPanels,
    columns: PlacedIndices,
  ): boolean {
    const { dtype } = x;
    const bytes = x.data.BYTES_PER_ELEMENT;
    const nr = BLOCKING[dtype].nr;
    // Δ is read a whole panel at a time: in place when its rows are whole panels, else padded.
    const width = Math.ceil(panels.rows / nr) * nr;
    let rows = this.#placed(delta);
    if (width !== panels.rows) {
      const padded = this.arena.matrixAt(
        this.#scratch.ensure(delta.rows * width * bytes),
        delta.rows,
        width,
        dtype,
      );
      padded.view(0, 0, delta.rows, panels.rows).copyFrom(delta);
      for (let i = 0; i < delta.rows; i++) padded.row(i).fill(0, panels.rows);
      rows = this.#placed(padded);
    }
    const limit = sparseLimit(x, columns.count);
    const scratch = this.#sparseScratch.ensure(sparseScratchBytes(x.rows, x.cols, bytes, limit));
    const wasm = this.#wasm[dtype];
    const entries = compressColumns(wasm, this.#placed(x), columns, rows.matrix.ld * bytes, limit, scratch);
    if (!entries) return false;
    sparseUpdate(wasm, entries, columns, alpha, rows.address, panels, nr, bytes);
    return true;
  }

  /**
   * An arena-resident X in compressed rows (sparse-input.ts), or undefined when it holds more than
   * SPARSE_SHARE of its rows × `count` non-zero columns.
   */
  #compressed(x: Matrix, count: number): CompressedInput | undefined {
    const limit = sparseLimit(x, count);
    const bytes = x.data.BYTES_PER_ELEMENT;
    const scratch = this.#sparseScratch.ensure(sparseScratchBytes(x.rows, x.cols, bytes, limit));
    return compressRows(this.#wasm[x.dtype], this.#placed(x), limit, scratch);
  }

  /** The forward's ordering of a column list ({@link groupAdjacent}), in its own scratch region. */
  #grouped(columns: PlacedIndices): GroupedIndices {
    const at = this.#groupScratch.ensure(4 * columns.count);
    const out = new Int32Array(this.memory.buffer, at, columns.count);
    const groups = groupAdjacent(new Int32Array(this.memory.buffer, columns.address, columns.count), out);
    return { address: at, count: columns.count, groups };
  }

  /** The address and shape of panels these kernels made; throws for any other input weights. */
  #panels(p: InputWeights): { address: number; rows: number; cols: number } {
    if (p.layout !== "panels" || p.nr !== BLOCKING[p.dtype].nr || !this.arena.owns(p.data)) {
      throw new TypeError(
        "input weights made by other kernels: create them with this kernel set's inputWeights",
      );
    }
    return { address: this.arena.addressOf(p.data), rows: p.rows, cols: p.cols };
  }

  #bias(kernel: "bias_add" | "bias_relu", x: Matrix, bias: Float): void {
    checkBias(x, bias);
    checkSameDtype(kernel, x, bias);
    const staging = this.#staging;
    staging.begin();
    const [sx, sb] = [staging.matrix(x, true), staging.vector(bias)];
    this.#wasm[x.dtype][kernel](
      this.#address(sx),
      sx.ld * sx.data.BYTES_PER_ELEMENT,
      sx.rows,
      sx.cols,
      this.#address(sb),
    );
    staging.end();
  }

  combineAndCompare(first: LinearCombination, second: LinearCombination | null, out: Matrix): CombineReport {
    const all = combinationMatrices(first, second, out);
    const terms = second ? [first, second] : [first];
    const { rows, cols } = out;
    const peaks = new Float64Array(all.length);
    let difference = 0;
    if (rows > 0 && cols > 0) {
      const w = this.#wasm[out.dtype];
      const bytes = out.data.BYTES_PER_ELEMENT;
      const bandRows = Math.max(1, Math.floor(COMBINE_BAND / cols));
      const band = bandRows * cols;
      const slot = Math.ceil((band * bytes) / 64) * 64;
      const sums = Math.ceil((band * 8) / 64) * 64;
      const count = first.matrices.length + (second?.matrices.length ?? 0);
      const lists = Math.ceil((12 * count) / 64) * 64;
      // In the arena without a copy: a matrix whose rows of a band lie one after another.
      const inPlace = (m: Matrix) => this.arena.owns(m.data) && (m.ld === cols || rows === 1);
      const base = this.#combineScratch.ensure(lists + 2 * sums + (all.length + 1) * slot);
      const coefs = new Float64Array(this.memory.buffer, base, count);
      const ptrs = new Int32Array(this.memory.buffer, base + 8 * count, count);
      const coefsAt = base;
      const sumA = base + lists;
      const sumB = sumA + sums;
      const slotAt = (u: number) => sumB + sums + u * slot;
      const staged = all.map((m, u) => inPlace(m) ? null : this.arena.view(slotAt(u), band, out.dtype));
      const outStaged = inPlace(out) ? null : this.arena.view(slotAt(all.length), band, out.dtype);
      let k = 0;
      for (const c of terms) for (const coefficient of c.coefficients) coefs[k++] = coefficient;
      const index = new Map(all.map((m, u) => [m, u]));
      const at = new Array<number>(all.length);
      for (let i0 = 0; i0 < rows; i0 += bandRows) {
        const r = Math.min(bandRows, rows - i0);
        const n = r * cols;
        for (let u = 0; u < all.length; u++) {
          const m = all[u];
          const view = staged[u];
          if (view === null) at[u] = this.arena.addressOf(m, i0 * m.ld);
          else {
            copyRows(m, i0, r, view);
            at[u] = slotAt(u);
          }
          peaks[u] = Math.max(peaks[u], w.max_abs(n, at[u]));
        }
        k = 0;
        for (const c of terms) for (const m of c.matrices) ptrs[k++] = at[index.get(m)!];
        w.combine(n, first.matrices.length, ptrs.byteOffset, coefsAt, sumA);
        if (second) {
          const f = first.matrices.length;
          w.combine(n, second.matrices.length, ptrs.byteOffset + 4 * f, coefsAt + 8 * f, sumB);
        }
        const outAt = outStaged === null ? this.arena.addressOf(out, i0 * out.ld) : slotAt(all.length);
        const d = w.narrow_diff(n, sumA, second ? sumB : sumA, outAt);
        if (second) difference = Math.max(difference, d);
        if (outStaged !== null) {
          for (let i = 0; i < r; i++) {
            out.data.set(outStaged.subarray(i * cols, (i + 1) * cols), out.offset + (i0 + i) * out.ld);
          }
        }
      }
    }
    return { difference, peaks: new Map(all.map((m, u) => [m, peaks[u]])) };
  }

  squaredNormUpdate(sq: Float64Array, alpha: number, v: Float, w: Float, g: number): number {
    checkNormOperands(sq, v, w);
    checkSameDtype("squaredNormUpdate", v, w);
    const { arena } = this;
    if (!(arena.owns(sq) && arena.owns(v) && arena.owns(w))) {
      return naiveNormKernels.squaredNormUpdate(sq, alpha, v, w, g);
    }
    const dtype = v instanceof Float32Array ? "float32" : "float64";
    return this.#wasm[dtype].norm_update(
      sq.length,
      arena.addressOf(sq),
      arena.addressOf(v),
      arena.addressOf(w),
      2 * alpha,
      alpha * alpha,
      g,
    );
  }

  squaredNorm(x: Float, n: number): number {
    checkNormLength(x, n);
    if (!this.arena.owns(x)) return naiveNormKernels.squaredNorm(x, n);
    return this.#wasm[x instanceof Float32Array ? "float32" : "float64"].squared_norm(
      n,
      this.arena.addressOf(x),
    );
  }

  #address(operand: Matrix | Float): number {
    return this.arena.addressOf(operand);
  }

  #placed(matrix: Matrix): { address: number; matrix: Matrix } {
    return { address: this.arena.addressOf(matrix), matrix };
  }
}

/** Rows i0 … i0 + r − 1 of m, one after another, into `to`. */
function copyRows(m: Matrix, i0: number, r: number, to: Float): void {
  if (m.ld === m.cols) {
    const from = m.offset + i0 * m.ld;
    to.set(m.data.subarray(from, from + r * m.cols));
    return;
  }
  for (let i = 0; i < r; i++) {
    const from = m.offset + (i0 + i) * m.ld;
    to.set(m.data.subarray(from, from + m.cols), i * m.cols);
  }
}

/** C ← β·C (β = 0 writes zeros without reading C): GEMM when k = 0 or α = 0. */
function scale(c: Matrix, beta: number): void {
  for (let i = 0; i < c.rows; i++) {
    const row = c.row(i);
    if (beta === 0) row.fill(0);
    else for (let j = 0; j < row.length; j++) row[j] *= beta;
  }
}
