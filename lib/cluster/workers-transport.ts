/**
 * The `workers` {@link Transport}: the nodes are Deno Workers of one process and exchange through
 * shared memory (the areas of {@link SharedAreas}, allocated by the main thread):
 *
 * - barrier: {@link SharedBarrier} (Atomics wait/notify, with the run's timeout);
 * - group reduce: {@link SharedExchange} (reduce-scatter in contributor order, then copy), its sums
 *   in WebAssembly once the node hands over its kernel memory ({@link WorkersTransport.useKernels});
 * - votes: each node writes its record into a shared P-record area, barrier, everyone reads it;
 * - scratch: one SharedArrayBuffer every node maps, so the all-gather is only a barrier;
 * - peer arrays: views of peers' kernel memories at the addresses of the peer table (no copy);
 * - stats: three banks in shared memory that every node reads one unit late, with no extra barrier.
 *
 * Nodes can die here (a Worker terminated): the main thread declares them dead in the barrier,
 * which stops waiting for them and records, per barrier, who was dead when it completed; that list
 * is {@link WorkersTransport.erased}. A respawned node takes a live peer's exchange bank
 * ({@link WorkersTransport.exchangeBank}) and reads its peers' arrays and snapshots to rebuild its own.
 *
 * @module
 */

import type { Float } from "../tensor/matrix.ts";
import type { Arena } from "../tensor/wasm/arena.ts";
import { SharedBarrier } from "./barrier.ts";
import { exchangeBuffer, type ExchangePlan, type ExchangeShape, SharedExchange } from "./exchange.ts";
import { WasmGroupSums } from "./group-sums.ts";
import type { PeerTable } from "./node/setup.ts";
import type { PeerArray, ScratchPart, Transport } from "./transport.ts";

/** The shared areas of a run on Workers (made by the main thread, posted to every node). */
export interface SharedAreas {
  readonly barrier: Int32Array;
  /** The exchange's area ({@link SharedExchange.allocate}): a wasm memory, or a buffer too large for one. */
  readonly exchange: WebAssembly.Memory | SharedArrayBuffer;
  readonly exchangeShape: ExchangeShape;
  /** The compiled group-sums module (lib/cluster/group-sums.ts); absent: sums in JavaScript. */
  readonly groupSums?: WebAssembly.Module;
  /** P × vote length bytes. */
  readonly votes: Uint8Array;
  /** 3 banks × P × (numbers per unit) float64. */
  readonly stats: Float64Array;
  /** Scratch for the initial weights (the largest layer and its norms). */
  readonly initScratch: SharedArrayBuffer;
}

/** The Workers transport of one node; see the module documentation. */
export class WorkersTransport implements Transport {
  readonly name = "workers";
  readonly #barrier: SharedBarrier;
  readonly #exchange: SharedExchange;
  readonly #areas: SharedAreas;
  #peers: PeerTable | undefined;

  constructor(areas: SharedAreas, readonly node: number, readonly nodes: number, readonly timeoutMs: number) {
    this.#areas = areas;
    this.#barrier = new SharedBarrier(areas.barrier, nodes, node);
    this.#exchange = new SharedExchange(
      exchangeBuffer(areas.exchange),
      areas.exchangeShape,
      this.#barrier,
      node,
    );
  }

  /**
   * Sums the exchanges in WebAssembly into the node's kernel memory (that of `arena`, where the
   * node keeps its received symbols); without it, the areas' module or a wasm exchange memory, in
   * JavaScript.
   */
  useKernels(arena: Arena): void {
    const module = this.#areas.groupSums;
    const exchange = this.#areas.exchange;
    if (!module || exchange instanceof SharedArrayBuffer) return;
    const shape = this.#areas.exchangeShape;
    this.#exchange.useKernel(
      new WasmGroupSums(module, arena, exchange, shape.dtype, shape.maxGroups + shape.nodes).sum,
    );
  }

  /** Receives the peer table (every node's kernel memory and array addresses). */
  connect(peers: PeerTable): void {
    this.#peers = peers;
  }

  barrier(): void {
    this.#barrier.wait(this.node, this.timeoutMs);
  }

  erased(): readonly number[] {
    return this.#barrier.deadAtLastWait();
  }

  /**
   * The bank of the next exchange (the same at every node): read from a live node, set in a
   * respawned one.
   */
  get exchangeBank(): number {
    return this.#exchange.bank;
  }

  set exchangeBank(bank: number) {
    this.#exchange.bank = bank;
  }

  sendSlot(length: number): Float {
    return this.#exchange.sendSlot(length);
  }

  exchange(plan: ExchangePlan, out: Float): void {
    this.#exchange.run(plan, out, this.timeoutMs);
  }

  allgather(mine: Uint8Array): Uint8Array {
    const votes = this.#areas.votes;
    const n = mine.length;
    if (votes.length < this.nodes * n) {
      throw new RangeError(`vote area holds ${votes.length} < ${this.nodes} × ${n}`);
    }
    votes.set(mine, this.node * n);
    this.barrier();
    return votes.subarray(0, this.nodes * n);
  }

  scratch(bytes: number): SharedArrayBuffer {
    const s = this.#areas.initScratch;
    if (s.byteLength < bytes) throw new RangeError(`init scratch holds ${s.byteLength} < ${bytes} bytes`);
    return s;
  }

  allgatherScratch(_parts: readonly ScratchPart[]): void {
    this.barrier();
  }

  fetch(
    what: PeerArray,
    _owners: readonly number[],
    wanted: readonly number[],
    local: Float,
  ): Map<number, Float> {
    const peers = this.#peers;
    if (!peers) throw new Error("peer arrays were requested before the peer table was received");
    const out = new Map<number, Float>();
    for (const p of wanted) {
      const buffer = peers.memories[p].buffer;
      const table = peers.blocks[p];
      const address = {
        block: table.blocks,
        bias: table.biases,
        blockSnapshot: table.snapshots,
        biasSnapshot: table.biasSnapshots,
      }[what.kind][what.layer];
      out.set(
        p,
        local instanceof Float32Array
          ? new Float32Array(buffer, address, local.length)
          : new Float64Array(buffer, address, local.length),
      );
    }
    return out;
  }

  publishStats(unit: number, values: Float64Array): void {
    const at = ((unit % 3) * this.nodes + this.node) * values.length;
    this.#areas.stats.set(values, at);
  }

  maxStats(unit: number, out: Float64Array): void {
    const stats = this.#areas.stats;
    const n = out.length;
    const bank = unit % 3;
    for (let i = 0; i < n; i++) {
      let max = 0;
      for (let p = 0; p < this.nodes; p++) max = Math.max(max, stats[(bank * this.nodes + p) * n + i]);
      out[i] = max;
    }
  }
}
