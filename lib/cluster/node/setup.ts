/**
 * What the main thread gives a node when it starts (the `init` request), and the shapes of the
 * shared areas every node maps. Bulk data (weights, activations, symbols, the data set) is in
 * shared memory; this payload only carries handles and sizes.
 *
 * @module
 */

import type { CodeSpec } from "../../codes/build.ts";
import type { NodeFaultSettings } from "../../faults/node-injector.ts";
import type { DType } from "../../tensor/matrix.ts";
import type { SharedAreas } from "../workers-transport.ts";

/** A data split in shared memory (pixels as bytes, as in `ImageDataset`). */
export interface SharedSplit {
  readonly name: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  /** `count × features` bytes in a SharedArrayBuffer. */
  readonly pixels: Uint8Array;
  /** `count` labels in a SharedArrayBuffer. */
  readonly labels: Uint8Array;
}

/** The training settings a node needs (a subset of the train config, plain JSON). */
export interface NodeTraining {
  readonly layers: readonly number[];
  readonly dtype: DType;
  readonly init: "he" | "glorot";
  readonly seed: number;
  readonly lr: number;
  readonly batch: number;
  readonly normalize: "255" | "128";
  readonly decoder: "probabilistic" | "adversarial";
  /** The schedule's spec, so that every node computes the same batches itself. */
  readonly schedule: {
    readonly poolSize: number;
    readonly epochs: number;
    readonly evalEvery: number;
    readonly rounds: number;
    readonly roundSamples: number;
  };
  readonly checkpointEvery: number;
  readonly evalBatch: number;
  /** Seconds a wait may take before the nodes that did not arrive are reported. */
  readonly timeout: number;
  /** Stop (instead of rolling back) when a stage cannot be decoded: the uncoded baseline. */
  readonly stopOnUncorrectable: boolean;
  /**
   * Roll-backs in a row to the same checkpoint after which the run stops with an error (default
   * 1000, see `MAX_ROLLBACKS_IN_A_ROW` in program.ts).
   */
  readonly maxRollbacksInARow?: number;
  /** Bytes of one band of initial weights (default `INIT_BAND_BYTES`, see init-weights.ts). */
  readonly initBandBytes?: number;
}

/** Fault settings of a run: rate, density, sites, planned faults, and optionally model and seed. */
export type NodeFaults = NodeFaultSettings;

/** Payload of the `init` request. */
export interface NodeSetup {
  readonly node: number;
  readonly nodes: number;
  readonly code: CodeSpec;
  readonly training: NodeTraining;
  readonly faults: NodeFaults;
  /** The compiled kernel module (null: pure-TS kernels). */
  readonly module: WebAssembly.Module | null;
  /** This node's kernel memory (created by the main thread so that it outlives the Worker). */
  readonly memory: WebAssembly.Memory;
  /** The compute gate's state (at most `cores` nodes compute at once). */
  readonly gate: Int32Array;
  readonly train: SharedSplit;
  readonly test: SharedSplit;
}

/**
 * Payload of a Worker's `init` request: the setup and the shared areas of the `workers` transport
 * (votes: P × {@link voteLength} bytes; stats: 3 banks × P × ({@link PHASE_NAMES} + 1) float64).
 */
export interface WorkerSetup extends NodeSetup {
  readonly areas: SharedAreas;
  /**
   * Test hook: the node dies (asks the main thread to terminate its Worker, then stops) when it
   * enters this phase, e.g. "iteration 5, forward stage of layer 1".
   */
  readonly dieAt?: string;
}

/** Where a node's blocks are, so that peers can read them (regeneration, export). */
export interface NodeBlocks {
  /** Byte address of each layer's stored block in the node's memory. */
  readonly blocks: readonly number[];
  /** Byte address of each layer's bias vector. */
  readonly biases: readonly number[];
  /** Byte address of each layer's block snapshot (the last verified checkpoint). */
  readonly snapshots: readonly number[];
  /** Byte address of each layer's bias snapshot. */
  readonly biasSnapshots: readonly number[];
}

/** Payload of the `peers` request: every node's memory and block addresses. */
export interface PeerTable {
  readonly memories: readonly WebAssembly.Memory[];
  readonly blocks: readonly NodeBlocks[];
}

/** Phases whose busy time every node measures, per iteration. */
export const PHASE_NAMES = [
  "product",
  "comm",
  "decode",
  "nonlinear",
  "update",
  "regenerate",
  "checkpoint",
] as const;
/** A measured phase. */
export type PhaseName = typeof PHASE_NAMES[number];

/** Bytes of a vote's header: flags (4 bytes) and the node's bias checksum (4 bytes). */
export const VOTE_HEADER = 8;

/** Bytes of a node's vote: the header, then one byte per forward and backward symbol per layer. */
export function voteLength(layers: number, forwardSymbols: number, backwardSymbols: number): number {
  return VOTE_HEADER + layers * (forwardSymbols + backwardSymbols);
}
