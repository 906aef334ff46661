/**
 * The `mpi` {@link Transport}: one OS process per node, started by `mpirun`, node = rank of
 * `MPI_COMM_WORLD` (lib/cluster/mpi):
 *
 * - barrier: `MPI_Barrier`;
 * - group reduce: `MPI_Allgatherv` of the contributors' partials (non-contributors send nothing),
 *   then every rank sums each group in the plan's contributor order, exactly as the workers'
 *   reduce-scatter does, so both transports give the same bits (an `MPI_Allreduce` would sum in an
 *   order of Open MPI's choosing). Each rank receives P·L instead of G·L numbers;
 * - votes: `MPI_Allgather` of the byte records;
 * - initial-weights scratch: `MPI_Allgatherv` in place, one call per part;
 * - peer arrays (regeneration, bias consensus, both rare): one `MPI_Bcast` per owner;
 * - stats: `MPI_Allreduce` with `MPI_MAX` when a unit is published.
 *
 * MPI has no timeouts: a rank that dies makes `mpirun` end the job, so no node is ever erased
 * ({@link MpiTransport.erased} is empty; `train --resume` continues from the last checkpoint).
 *
 * @module
 */

import type { DType, Float } from "../tensor/matrix.ts";
import type { ExchangePlan } from "./exchange.ts";
import type { Communicator } from "./mpi/communicator.ts";
import type { PeerArray, ScratchPart, Transport } from "./transport.ts";

/** The MPI transport of one rank; see the module documentation. */
export class MpiTransport implements Transport {
  readonly name = "mpi";
  readonly node: number;
  readonly nodes: number;
  readonly #world: Communicator;
  readonly #send: Float;
  readonly #gathered: Float;
  readonly #counts: Int32Array;
  readonly #displs: Int32Array;
  #votes = new Uint8Array(0);
  #scratch = new ArrayBuffer(0);
  #stats = new Float64Array(0);
  #statsUnit = -1;

  /**
   * @param world the communicator of the run's nodes (rank = node)
   * @param maxLength the largest partial/symbol length of any exchange, in elements
   */
  constructor(world: Communicator, maxLength: number, readonly dtype: DType) {
    this.#world = world;
    this.node = world.rank;
    this.nodes = world.size;
    const alloc = (n: number): Float => dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
    this.#send = alloc(maxLength);
    this.#gathered = alloc(this.nodes * maxLength);
    this.#counts = new Int32Array(this.nodes);
    this.#displs = new Int32Array(this.nodes);
  }

  barrier(): void {
    this.#world.barrier();
  }

  erased(): readonly number[] {
    return [];
  }

  sendSlot(length: number): Float {
    if (length > this.#send.length) throw new RangeError(`partial of ${length} > ${this.#send.length}`);
    return this.#send.subarray(0, length);
  }

  exchange(plan: ExchangePlan, out: Float): void {
    const { groups, length, contributors } = plan;
    if (length > this.#send.length) throw new RangeError(`exchange of ${length} > ${this.#send.length}`);
    if (out.length < groups * length) throw new RangeError(`output holds ${out.length} < ${groups * length}`);
    const counts = this.#counts;
    const displs = this.#displs;
    counts.fill(0);
    for (let g = 0; g < groups; g++) for (const p of contributors[g]) counts[p] = length;
    for (let p = 0; p < this.nodes; p++) displs[p] = p * length;
    const gathered = this.#gathered;
    this.#world.allgatherv(this.#send.subarray(0, counts[this.node]), gathered, counts, displs);
    for (let g = 0; g < groups; g++) {
      const members = contributors[g];
      const sum = out.subarray(g * length, (g + 1) * length);
      sum.set(gathered.subarray(members[0] * length, (members[0] + 1) * length));
      for (let m = 1; m < members.length; m++) {
        const at = members[m] * length;
        for (let i = 0; i < length; i++) sum[i] += gathered[at + i];
      }
    }
  }

  allgather(mine: Uint8Array): Uint8Array {
    const n = mine.length * this.nodes;
    if (this.#votes.length !== n) this.#votes = new Uint8Array(n);
    this.#world.allgather(mine, this.#votes);
    return this.#votes;
  }

  scratch(bytes: number): ArrayBuffer {
    if (this.#scratch.byteLength < bytes) this.#scratch = new ArrayBuffer(bytes);
    return this.#scratch;
  }

  allgatherScratch(parts: readonly ScratchPart[]): void {
    for (const part of parts) this.#world.allgathervInPlace(part.data, part.counts, part.displs);
  }

  fetch(
    what: PeerArray,
    owners: readonly number[],
    wanted: readonly number[],
    local: Float,
  ): Map<number, Float> {
    const out = new Map<number, Float>();
    for (const owner of owners) {
      const buffer = owner === this.node
        ? local
        : local instanceof Float32Array
        ? new Float32Array(local.length)
        : new Float64Array(local.length);
      this.#world.bcast(buffer, owner);
      if (wanted.includes(owner)) out.set(owner, buffer);
    }
    if (out.size !== wanted.length) {
      throw new Error(
        `${what.kind} of layer ${what.layer}: wanted nodes ${wanted} are not all owners ${owners}`,
      );
    }
    return out;
  }

  publishStats(unit: number, values: Float64Array): void {
    if (this.#stats.length !== values.length) this.#stats = new Float64Array(values.length);
    this.#world.allreduce(values, this.#stats, "max");
    this.#statsUnit = unit;
  }

  maxStats(unit: number, out: Float64Array): void {
    if (unit !== this.#statsUnit) {
      throw new Error(`stats of unit ${unit} asked, unit ${this.#statsUnit} held`);
    }
    out.set(this.#stats);
  }
}
