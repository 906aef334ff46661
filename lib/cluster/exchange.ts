/**
 * The one collective every stage of training uses, on shared memory: each node contributes a
 * partial result to one group (or none), and every node receives the G group sums. For the grid
 * code the groups are the grid rows (forward) or columns (backward), so this is the "group reduce
 * then all-gather" of CodeNet; with one contributor per group it is a plain all-gather (PolyDot).
 * This is the `workers` transport's exchange (lib/cluster/workers-transport.ts); the `mpi` transport
 * (lib/cluster/mpi-transport.ts) forms the same sums, in the same order, from an `MPI_Allgatherv`.
 *
 * Steps: write the partial into the node's slot → barrier → each contributor of group g sums its
 * share of g's partials (a reduce-scatter, summing in contributor order) → barrier → every node
 * copies the G sums. Two banks alternate, so one exchange never overwrites data a slower node of
 * the previous exchange is still reading.
 *
 * @module
 */

import type { DType, Float } from "../tensor/matrix.ts";
import type { SharedBarrier } from "./barrier.ts";

/** Who contributes to which group in one stage. */
export interface ExchangePlan {
  /** Number of groups G (symbols every node receives). */
  readonly groups: number;
  /** Length of every partial and symbol, in elements. */
  readonly length: number;
  /** `contributors[g]`: the nodes whose partials are summed into group g, in summation order. */
  readonly contributors: readonly (readonly number[])[];
}

/** The share [start, end) of a length-`length` vector that contributor `k` of `count` reduces. */
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
}

/** Bytes of shared memory an exchange of `shape` needs. */
export function exchangeBytes(shape: ExchangeShape): number {
  const bytes = shape.dtype === "float32" ? 4 : 8;
  return 2 * (shape.nodes + shape.maxGroups) * shape.maxLength * bytes;
}

/** The exchange of one node, over a shared buffer that every node maps. */
export class SharedExchange {
  readonly #slots: Float[][] = [[], []];
  readonly #sums: Float[][] = [[], []];
  #bank = 0;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly shape: ExchangeShape,
    readonly barrier: SharedBarrier,
    readonly node: number,
  ) {
    if (buffer.byteLength < exchangeBytes(shape)) throw new RangeError("exchange buffer too small");
    const L = shape.maxLength;
    const bytes = shape.dtype === "float32" ? 4 : 8;
    const view = (offset: number): Float =>
      shape.dtype === "float32"
        ? new Float32Array(buffer, offset * bytes, L)
        : new Float64Array(buffer, offset * bytes, L);
    let offset = 0;
    for (let b = 0; b < 2; b++) {
      for (let p = 0; p < shape.nodes; p++, offset += L) this.#slots[b].push(view(offset));
      for (let g = 0; g < shape.maxGroups; g++, offset += L) this.#sums[b].push(view(offset));
    }
  }

  /** A fresh shared buffer for `shape`. */
  static allocate(shape: ExchangeShape): SharedArrayBuffer {
    return new SharedArrayBuffer(exchangeBytes(shape));
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
    for (let g = 0; g < groups; g++) {
      const members = contributors[g];
      const k = members.indexOf(this.node);
      if (k < 0) continue;
      const [start, end] = reduceShare(length, members.length, k);
      const sum = sums[g];
      sum.set(slots[members[0]].subarray(start, end), start);
      for (let m = 1; m < members.length; m++) {
        const part = slots[members[m]];
        for (let i = start; i < end; i++) sum[i] += part[i];
      }
    }
    this.barrier.wait(this.node, timeoutMs);
    for (let g = 0; g < groups; g++) out.set(sums[g].subarray(0, length), g * length);
  }
}
