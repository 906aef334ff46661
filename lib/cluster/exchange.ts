/**
 * The one collective every stage of training uses, on shared memory: each node contributes a
 * partial result to one group (or none), and every node receives the G group sums. For the grid
 * code the groups are the grid rows (forward) or columns (backward), so this is the "group reduce
 * then all-gather" of CodeNet; with one contributor per group it is a plain all-gather (PolyDot).
 * This is the `workers` transport's exchange (lib/cluster/workers-transport.ts); the `mpi` transport
 * (lib/cluster/mpi-transport.ts) forms the same sums, in the same order, from an `MPI_Allgatherv`.
 *
 * Steps: write the partial into the node's slot → barrier → every node sums each group's partials
 * itself, in contributor order, straight into its output (in WebAssembly when the node gave the
 * exchange its `WasmGroupSums`, lib/cluster/group-sums.ts). One barrier per exchange: two banks
 * alternate, and a node can only write bank b again (two exchanges later) after the barrier of the
 * exchange in between, which every node reaches only after it has finished reading bank b. With P
 * nodes on few cores a barrier's wake-ups cost more than the P-fold additions of short exchanges
 * (a B = 1 training step). Long exchanges (at least `reduceScatterFrom` elements of sums, e.g. the
 * batched evaluation) reduce-scatter instead: after the barrier each live node sums its share of
 * every group into a shared sums bank, a second barrier, then every node copies the sums; if a node
 * died between the two barriers, every node forms the sums itself as in the short path. The sums
 * are formed in the same order and storage precision either way, so the result does not depend on
 * the path.
 *
 * A node that dies (see {@link SharedBarrier.markDead}) stops the barrier from waiting for it; the
 * groups it contributes to then hold a stale partial of it: {@link erasedGroups} names them, from
 * the dead list of the barrier every node passed ({@link SharedBarrier.deadAtLastWait}), so that
 * every node erases the same symbols.
 *
 * @module
 */

import type { DType, Float } from "../tensor/matrix.ts";
import { MAX_PAGES, PAGE_BYTES } from "../tensor/wasm/arena.ts";
import type { SharedBarrier } from "./barrier.ts";
import { sumGroups, type TrySumGroups } from "./group-sums.ts";

/** Who contributes to which group in one stage. */
export interface ExchangePlan {
  /** Number of groups G (symbols every node receives). */
  readonly groups: number;
  /** Length of every partial and symbol, in elements. */
  readonly length: number;
  /** `contributors[g]`: the nodes whose partials are summed into group g, in summation order. */
  readonly contributors: readonly (readonly number[])[];
}

/**
 * The share [start, end) of a length-`length` vector that contributor `k` of `count` reduces, for
 * transports that reduce-scatter (the shared-memory exchange below sums every group at every node).
 */
export function reduceShare(length: number, count: number, k: number): [number, number] {
  const chunk = Math.ceil(length / count);
  return [Math.min(length, k * chunk), Math.min(length, (k + 1) * chunk)];
}

/** Sizes of an exchange area. */
export interface ExchangeShape {
  readonly nodes: number;
  readonly maxGroups: number;
  /** Largest partial/symbol length, in elements. */
  readonly maxLength: number;
  readonly dtype: DType;
  /** Sum elements (groups × length) from which an exchange reduce-scatters (default 65536). */
  readonly reduceScatterFrom?: number;
}

/**
 * Default {@link ExchangeShape.reduceScatterFrom}: above a B = 1 step of the authors' net (14,000
 * and 15,000 sum elements per stage). Reduce-scattering those too took the summing off the
 * profile (4.6 % of the run's CPU) but added a second wake-up of every node per stage: the CPU per
 * iteration of the authors' net did not change measurably (0.455 s with it against 0.456 without, the
 * means of three alternating runs each).
 */
export const REDUCE_SCATTER_FROM = 1 << 16;

/** The buffer of an area from {@link SharedExchange.allocate} (a wasm memory's, or the area itself). */
export function exchangeBuffer(area: WebAssembly.Memory | SharedArrayBuffer): SharedArrayBuffer {
  return area instanceof SharedArrayBuffer ? area : area.buffer as SharedArrayBuffer;
}

/** Bytes of shared memory an exchange of `shape` needs: two banks of partials and of sums. */
export function exchangeBytes(shape: ExchangeShape): number {
  const bytes = shape.dtype === "float32" ? 4 : 8;
  return 2 * (shape.nodes + shape.maxGroups) * shape.maxLength * bytes;
}

/** The exchange of one node, over a shared buffer that every node maps. */
export class SharedExchange {
  readonly #slots: Float[][] = [[], []];
  /** Per bank, the G × maxLength sums of a reduce-scattered exchange. */
  readonly #sums: Float[] = [];
  #bank = 0;
  /** Forms the sums: {@link sumGroups}, or a kernel before it ({@link useKernel}). */
  #sum: typeof sumGroups = sumGroups;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly shape: ExchangeShape,
    readonly barrier: SharedBarrier,
    readonly node: number,
  ) {
    if (buffer.byteLength < exchangeBytes(shape)) throw new RangeError("exchange buffer too small");
    const L = shape.maxLength;
    const bytes = shape.dtype === "float32" ? 4 : 8;
    const view = (offset: number, length = L): Float =>
      shape.dtype === "float32"
        ? new Float32Array(buffer, offset * bytes, length)
        : new Float64Array(buffer, offset * bytes, length);
    let offset = 0;
    for (let b = 0; b < 2; b++) {
      for (let p = 0; p < shape.nodes; p++, offset += L) this.#slots[b].push(view(offset));
    }
    for (let b = 0; b < 2; b++, offset += shape.maxGroups * L) {
      this.#sums.push(view(offset, shape.maxGroups * L));
    }
  }

  /**
   * A fresh shared area for `shape`: a shared memory of fixed size, which the nodes'
   * `WasmGroupSums` import, or a plain SharedArrayBuffer when the area needs more than
   * `wasmLimitBytes` (default: the 4 GiB a wasm memory can address; the sums then run in
   * JavaScript). {@link exchangeBuffer} gives the buffer to map either way.
   */
  static allocate(
    shape: ExchangeShape,
    wasmLimitBytes = MAX_PAGES * PAGE_BYTES,
  ): WebAssembly.Memory | SharedArrayBuffer {
    const bytes = exchangeBytes(shape);
    if (bytes > wasmLimitBytes) return new SharedArrayBuffer(bytes);
    const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  }

  /** The bank the next exchange uses (0 or 1): the same at every node; a respawned node takes a peer's. */
  get bank(): number {
    return this.#bank;
  }

  set bank(b: number) {
    this.#bank = b & 1;
  }

  /** Where this node writes its partial for the next {@link run} (a view of `length` elements). */
  sendSlot(length: number): Float {
    return this.#slots[this.#bank][this.node].subarray(0, length);
  }

  /**
   * Completes the exchange: the caller has written its partial into {@link sendSlot} (if it
   * contributes); `out` receives the G sums, symbol g at `out[g·length …]`. Every node must call
   * `run` with the same plan. `timeoutMs` bounds each wait.
   */
  run(plan: ExchangePlan, out: Float, timeoutMs: number): void {
    const { groups, length, contributors } = plan;
    if (groups > this.shape.maxGroups || length > this.shape.maxLength) {
      throw new RangeError(
        `exchange of ${groups}×${length} exceeds ${this.shape.maxGroups}×${this.shape.maxLength}`,
      );
    }
    if (out.length < groups * length) throw new RangeError(`output holds ${out.length} < ${groups * length}`);
    const slots = this.#slots[this.#bank];
    const sums = this.#sums[this.#bank];
    this.#bank ^= 1;
    this.barrier.wait(this.node, timeoutMs);
    if (groups * length < (this.shape.reduceScatterFrom ?? REDUCE_SCATTER_FROM)) {
      this.#sum(contributors, slots, out, 0, length, length);
      return;
    }
    const dead = this.barrier.deadAtLastWait();
    const rank = this.node - dead.filter((p) => p < this.node).length;
    const [start, end] = reduceShare(length, this.shape.nodes - dead.length, rank);
    this.#sum(contributors, slots, sums, start, end, length);
    this.barrier.wait(this.node, timeoutMs);
    if (this.barrier.deadAtLastWait().length !== dead.length) {
      // A node died before summing its share: form every sum here instead.
      this.#sum(contributors, slots, out, 0, length, length);
      return;
    }
    out.set(sums.subarray(0, groups * length));
  }

  /**
   * Forms the sums by `kernel` (e.g. `WasmGroupSums.sum` of lib/cluster/group-sums.ts, once the
   * node's kernel memory exists), and by {@link sumGroups} wherever the kernel cannot.
   */
  useKernel(kernel: TrySumGroups): void {
    this.#sum = (c, slots, out, start, end, length) => {
      if (!kernel(c, slots, out, start, end, length)) sumGroups(c, slots, out, start, end, length);
    };
  }
}

/** One flag per group: whether any of its contributors is in `dead`; null when `dead` is empty. */
export function erasedGroups(
  contributors: readonly (readonly number[])[],
  dead: readonly number[],
): Uint8Array | null {
  if (dead.length === 0) return null;
  const erased = new Uint8Array(contributors.length);
  contributors.forEach((members, g) => {
    if (members.some((p) => dead.includes(p))) erased[g] = 1;
  });
  return erased;
}
