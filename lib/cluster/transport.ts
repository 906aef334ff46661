/**
 * Everything the node program (lib/cluster/node/program.ts) exchanges with its peers, behind one
 * interface, so that the same program runs on two transports:
 *
 * - `workers` (lib/cluster/workers-transport.ts): Deno Workers of one process over shared memory
 *   (the shared barrier, {@link SharedExchange}, a shared vote area, peers' kernel memories);
 * - `mpi` (lib/cluster/mpi-transport.ts): one OS process per node started by `mpirun`, over the
 *   Open MPI binding (lib/cluster/mpi).
 *
 * Every method except {@link Transport.sendSlot} and {@link Transport.erased} is collective: every
 * node calls it, in the same order, with the arguments the method says must agree. Both transports
 * give every node the same numbers bit for bit (sums are formed in the plan's contributor order on
 * both), so a run gives the same weights on either.
 *
 * @module
 */

import type { Float } from "../tensor/matrix.ts";
import type { ExchangePlan } from "./exchange.ts";

/**
 * Which array of a peer {@link Transport.fetch} copies: a layer's stored block or its bias, or
 * their snapshots at the last verified checkpoint (to rebuild a respawned node).
 */
export interface PeerArray {
  readonly kind: "block" | "bias" | "blockSnapshot" | "biasSnapshot";
  readonly layer: number;
}

/** One array of a {@link Transport.allgatherScratch}: node p filled `[displs[p], displs[p] + counts[p])`. */
export interface ScratchPart {
  /** A view into {@link Transport.scratch}'s buffer. */
  readonly data: Float | Float64Array;
  readonly counts: readonly number[];
  readonly displs: readonly number[];
}

/** The node program's communication; see the module documentation. */
export interface Transport {
  /** Name (`--transport`). */
  readonly name: "workers" | "mpi";
  /** This node's id (0 … nodes − 1). */
  readonly node: number;
  readonly nodes: number;

  /** Blocks until every node has arrived. */
  barrier(): void;

  /**
   * The nodes that had died when the last collective completed (sorted; the same list at every
   * node that took part in it): their partials, votes and arrays are stale, so the program erases
   * their symbols and skips them. Only the `workers` transport survives a death; on MPI a dead rank
   * makes `mpirun` end the job, and the list is always empty.
   */
  erased(): readonly number[];

  /**
   * Where this node writes its partial for the next {@link exchange} (`length` elements; not
   * collective). Faults at the `message` site strike this buffer.
   */
  sendSlot(length: number): Float;

  /**
   * The group reduce of a stage (grid rows forward, columns backward; one contributor per group
   * for PolyDot): `out[g·length …]` receives Σ over `plan.contributors[g]`, in that order, of their
   * partials. Every node passes the same plan. A group with a contributor in {@link erased}
   * afterwards holds a stale partial (an erasure).
   */
  exchange(plan: ExchangePlan, out: Float): void;

  /**
   * All-gather of equal-length byte records (the votes): returns `nodes × mine.length` bytes, node
   * p's record at `p · mine.length`, valid until the next call.
   */
  allgather(mine: Uint8Array): Uint8Array;

  /**
   * A scratch buffer of at least `bytes` bytes that {@link allgatherScratch} completes (for the
   * initial weights); the same buffer on every call.
   */
  scratch(bytes: number): ArrayBuffer | SharedArrayBuffer;

  /**
   * Completes the parts every node wrote into the scratch: afterwards every node holds every
   * node's block of every part. Every node passes the same counts and displacements.
   */
  allgatherScratch(parts: readonly ScratchPart[]): void;

  /**
   * Copies of peers' arrays: `owners` (the same sorted list on every node) are the nodes whose
   * `what` some node needs; `wanted` (a subset) are those this node needs. `local` is this node's
   * own array of that kind (its length is every node's). Returns owner → its array, for `wanted`.
   * The owners' arrays must not change during the call.
   */
  fetch(
    what: PeerArray,
    owners: readonly number[],
    wanted: readonly number[],
    local: Float,
  ): Map<number, Float>;

  /**
   * Accounting: publishes this node's numbers of accounting unit `unit` (collective: every node
   * calls it once per unit, with the same length).
   */
  publishStats(unit: number, values: Float64Array): void;

  /**
   * On every node (so that any can hand the totals to a respawned one), after a vote that followed
   * {@link publishStats} of `unit`: the element-wise maximum over nodes of that unit's numbers,
   * into `out`.
   */
  maxStats(unit: number, out: Float64Array): void;
}
