/**
 * The exchange's group sums (lib/cluster/exchange.ts): every group's partials added in contributor
 * order, rounding to the storage precision after every addition. {@link sumGroups} is the
 * reference; {@link WasmGroupSums} runs the same sums in WebAssembly (wat-group-sums.ts), bit for
 * bit, reading the partials from the exchange memory and writing the sums into the node's kernel
 * memory (or, for a reduce-scatter's shares, into the exchange memory).
 *
 * Every node sums every group of a short exchange (a B = 1 training step), so a node's summing grows
 * with the number of nodes: in JavaScript it was 8 % of a CodeNet node's thread time on the bench's
 * net (`perf`, 38 nodes).
 *
 * @example
 * ```ts
 * import { sumGroups } from "./group-sums.ts";
 * const slots = [new Float32Array([1, 2]), new Float32Array([10, 20]), new Float32Array([5, 5])];
 * const out = new Float32Array(4);
 * sumGroups([[0, 1], [2]], slots, out, 0, 2, 2); // out = [11, 22, 5, 5]
 * ```
 *
 * @module
 */

import type { DType, Float } from "../tensor/matrix.ts";
import type { Arena } from "../tensor/wasm/arena.ts";
import { assembleWat } from "../tensor/wasm/assemble.ts";
import { groupSumsModuleWat } from "../tensor/wasm/wat-group-sums.ts";
import { precisions } from "../tensor/wasm/wat-text.ts";

/**
 * Reference: entries [start, end) of every group's sum (contributors' partials added in order,
 * rounding to `out`'s precision after every addition) into `out`, group g at `g · length`.
 */
export function sumGroups(
  contributors: readonly (readonly number[])[],
  slots: readonly Float[],
  out: Float,
  start: number,
  end: number,
  length: number,
): void {
  const n = end - start;
  for (let g = 0; g < contributors.length; g++) {
    const members = contributors[g];
    const at = g * length + start;
    if (members.length === 0) {
      out.fill(0, at, at + n);
      continue;
    }
    const first = slots[members[0]];
    for (let i = 0; i < n; i++) out[at + i] = first[start + i];
    for (let m = 1; m < members.length; m++) addInto(out, at, slots[members[m]], start, n);
  }
}

/**
 * `sum[at + i] += part[from + i]` for i < length, rounding to `sum`'s precision after every
 * addition. Index arithmetic rather than views: an exchange runs several times per training step
 * on every node, and views are allocations.
 */
function addInto(sum: Float, at: number, part: Float, from: number, length: number): void {
  for (let i = 0; i < length; i++) sum[at + i] += part[from + i];
}

let moduleCache: Promise<WebAssembly.Module> | undefined;

/** The group-sums module, assembled and compiled once per thread (post it to Workers). */
export function groupSumsModule(): Promise<WebAssembly.Module> {
  moduleCache ??= assembleWat("group-sums.wat", groupSumsModuleWat(precisions(false)))
    .then((bytes) => WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
  return moduleCache;
}

/** {@link sumGroups} where it can, answering whether it did (false: `out` untouched). */
export type TrySumGroups = (...args: Parameters<typeof sumGroups>) => boolean;

type SumsFn = (table: number, groups: number, out: number, stride: number, n: number) => void;

/**
 * {@link sumGroups} in WebAssembly for one node: partials in the exchange memory, sums into the
 * node's kernel memory (`arena`'s) or into the exchange memory. The contributor table lives in
 * the kernel memory and is rewritten at every call (one count and one address per contributor);
 * where the slots and outputs are is worked out once per array.
 */
export class WasmGroupSums {
  readonly #sums: SumsFn;
  readonly #shared: SumsFn;
  readonly #arena: Arena;
  readonly #exchange: SharedArrayBuffer;
  readonly #table: Int32Array;
  readonly #tableAt: number;
  readonly #bytes: number;
  /** Per array of slots: each slot's byte address in the exchange memory, or null if one is not there. */
  readonly #slotsAt = new WeakMap<readonly Float[], Int32Array | null>();
  /** Per output: 2 × its byte address + 1 if in the exchange memory (0 in the kernel's), or −1. */
  readonly #outAt = new WeakMap<Float, number>();

  /**
   * Instantiates `module` ({@link groupSumsModule}) over the node's kernel memory (that of
   * `arena`) and the `exchange` memory, for partials of `dtype` and tables of up to `entries`
   * words (groups + contributors).
   */
  constructor(
    module: WebAssembly.Module,
    arena: Arena,
    exchange: WebAssembly.Memory,
    dtype: DType,
    entries: number,
  ) {
    const instance = new WebAssembly.Instance(module, { env: { kernel: arena.memory, exchange } });
    const s = dtype === "float32" ? "f32" : "f64";
    this.#sums = instance.exports[`group_sums_${s}`] as SumsFn;
    this.#shared = instance.exports[`group_sums_${s}_shared`] as SumsFn;
    this.#arena = arena;
    this.#exchange = exchange.buffer as SharedArrayBuffer;
    this.#bytes = dtype === "float32" ? 4 : 8;
    this.#tableAt = arena.alloc(4 * entries);
    this.#table = new Int32Array(arena.memory.buffer, this.#tableAt, entries);
  }

  /**
   * {@link sumGroups} with the same arguments; false (`out` untouched) when it cannot: `out` or a
   * slot of another precision, a slot outside the exchange memory, `out` in neither memory, a
   * contributor without a slot, or a table longer than this instance's.
   */
  readonly sum: TrySumGroups = (contributors, slots, out, start, end, length) => {
    const at = this.#slotAddresses(slots);
    const o = this.#outAddress(out);
    if (at === null || o < 0) return false;
    const table = this.#table;
    const bytes = this.#bytes;
    const offset = start * bytes;
    let k = 0;
    for (let g = 0; g < contributors.length; g++) {
      const members = contributors[g];
      if (k + 1 + members.length > table.length) return false;
      table[k++] = members.length;
      for (let m = 0; m < members.length; m++) {
        const p = members[m];
        if (!(p < at.length)) return false;
        table[k++] = at[p] + offset;
      }
    }
    (o % 2 === 1 ? this.#shared : this.#sums)(
      this.#tableAt,
      contributors.length,
      Math.floor(o / 2) + offset,
      length * bytes,
      end - start,
    );
    return true;
  };

  #slotAddresses(slots: readonly Float[]): Int32Array | null {
    let at = this.#slotsAt.get(slots);
    if (at === undefined) {
      const usable = slots.every((v) => v.buffer === this.#exchange && v.BYTES_PER_ELEMENT === this.#bytes);
      at = usable ? Int32Array.from(slots, (v) => v.byteOffset) : null;
      this.#slotsAt.set(slots, at);
    }
    return at;
  }

  #outAddress(out: Float): number {
    let o = this.#outAt.get(out);
    if (o === undefined) {
      const shared = out.buffer === this.#exchange;
      const usable = out.BYTES_PER_ELEMENT === this.#bytes && (shared || this.#arena.owns(out));
      o = usable ? 2 * out.byteOffset + (shared ? 1 : 0) : -1;
      this.#outAt.set(out, o);
    }
    return o;
  }
}
