/**
 * The one interface every training strategy implements, so that the training loop (loop.ts) runs
 * the centralized reference and the distributed strategies (codenet, replication, uncoded over P
 * nodes) the same way. The loop owns the schedule (which samples, when to evaluate), the metrics
 * and the results files; a strategy owns the model, wherever its pieces live.
 *
 * A strategy must start from the weights of `createMlp` with the run's seed and init (see
 * lib/nn/init.ts, position-addressable for nodes that hold blocks) and, when no fault is injected,
 * follow the centralized SGD step (lib/nn/sgd.ts) exactly.
 *
 * @module
 */

import type { ImageDataset } from "../../datasets/dataset.ts";
import type { LoggedFault } from "../faults/worker-death.ts";
import type { MlpState } from "../nn/state.ts";
import type { Kernels } from "../tensor/kernels.ts";
import type { TrainConfig } from "./config.ts";
import type { Schedule } from "./schedule.ts";

/** What a strategy is built from. */
export interface StrategyContext {
  /** The resolved configuration (layers, batch, lr, dtype, seed, init, normalize, strategy flags). */
  readonly config: TrainConfig;
  /** Kernels for the products (each node may use its own instance of the same implementation). */
  readonly kernels: Kernels;
  /** Training samples; the loop passes indices into it. */
  readonly train: ImageDataset;
  /** Test samples; `evaluate` scores all of them. */
  readonly test: ImageDataset;
  /** Which samples every iteration trains on (a pure function of the iteration). */
  readonly schedule: Schedule;
  /** Receives the iteration reached, now and then, while `train` runs. */
  readonly onProgress?: (iteration: number) => void;
  /** Receives the faults injected and the worker deaths (distributed strategies), in order. */
  readonly onFaults?: (events: readonly LoggedFault[]) => void;
}

/** Result of training a span of iterations. */
export interface SpanResult {
  /** Samples trained on, counting iterations re-run after a roll-back again. */
  readonly samples: number;
  /** Sum of their losses, each computed in the forward pass before its update. */
  readonly lossSum: number;
  /** How many of them the network classified correctly before the update. */
  readonly correct: number;
  /** True when training had to stop: a non-finite loss the strategy cannot roll back. */
  readonly diverged: boolean;
  /** The iteration reached: `to`, or where it stopped when it diverged. */
  readonly reached: number;
}

/** Result of an evaluation on the test samples. */
export interface Evaluation {
  readonly samples: number;
  /** Mean cross-entropy loss. */
  readonly loss: number;
  /** Fraction classified correctly. */
  readonly accuracy: number;
}

/**
 * What a strategy persists in a checkpoint (lib/train/checkpoint-store.ts): JSON-able state
 * (counters, RNG states, positions) and binary sections (weights, or every node's coded blocks).
 */
export interface StrategyState {
  readonly header: Readonly<Record<string, unknown>>;
  readonly sections: readonly Uint8Array[];
}

/** A way of training the network; see the module documentation. */
export interface Strategy {
  /** Name of the strategy (`--strategy`). */
  readonly name: string;
  /** Nodes it runs on. */
  readonly nodes: number;
  /**
   * Trains the schedule's iterations `from` … `to − 1` (a strategy with checkpoints may re-run
   * some of them after a roll-back, and always ends at `to` unless it diverged).
   */
  train(from: number, to: number): Promise<SpanResult>;
  /** Scores the current network on every test sample (in large batches). */
  evaluate(): Promise<Evaluation>;
  /** The current weights and biases, assembled as a float64 copy of the whole network. */
  exportState(): Promise<MlpState>;
  /**
   * Extra metrics.csv columns at this moment, e.g. cumulative fault counters or modelled seconds
   * of the distributed strategies; the centralized reference has none.
   */
  metrics(): Readonly<Record<string, number>>;
  /** Extra summary.json fields (nodes, faults, modelled time, …). */
  summary(): Readonly<Record<string, unknown>>;
  /**
   * Its state at the last verified checkpoint, which must be the iteration `train` just reached
   * (the loop calls it only at multiples of `--checkpoint-every` and at the end); undefined where
   * this process does not write checkpoints (the MPI transport's ranks other than 0, which hand
   * their state to rank 0).
   */
  saveState(): Promise<StrategyState | undefined>;
  /** Continues from a state saved by `saveState` of a strategy with the same configuration. */
  restoreState(state: StrategyState): Promise<void>;
  /** Releases nodes, workers and memory. */
  close(): Promise<void>;
}

/** Builds a strategy. */
export type StrategyFactory = (context: StrategyContext) => Promise<Strategy>;
