/**
 * From parsed `train` options to a runnable configuration: checks the combinations a single
 * option cannot check (layer widths against the data, the rounds schedule against epochs, flags
 * of one strategy given to another, batch and sample counts) and fills the derived defaults (training
 * samples, run name, workers). Every problem is a one-line {@link UsageError}.
 *
 * @module
 */

import { DATASETS } from "../../datasets/load.ts";
import { flagName } from "../config/options.ts";
import { UsageError } from "../errors.ts";
import type { TrainConfig } from "./config.ts";

type Key = keyof TrainConfig;

/** Flags that only some strategies read, with the strategies (and code) that read them. */
const OWNERS: Partial<Record<Key, { strategies: readonly string[]; code?: string }>> = {
  code: { strategies: ["codenet"] },
  decoder: { strategies: ["codenet"] },
  pr: { strategies: ["codenet"], code: "grid" },
  qr: { strategies: ["codenet", "replication"], code: "grid" },
  pc: { strategies: ["codenet"], code: "grid" },
  qc: { strategies: ["codenet", "replication"], code: "grid" },
  m: { strategies: ["codenet"], code: "polydot" },
  n: { strategies: ["codenet"], code: "polydot" },
  p: { strategies: ["codenet"], code: "polydot" },
  r: { strategies: ["replication"] },
  gridRows: { strategies: ["uncoded"] },
  gridCols: { strategies: ["uncoded"] },
  workers: { strategies: ["uncoded"] },
};

/** Flags that mean nothing to the centralized reference (one process, no nodes, no faults). */
/** Flags that only the centralized reference reads. */
const CENTRALIZED_ONLY: readonly Key[] = ["kernels"];

const DISTRIBUTED_ONLY: readonly Key[] = [
  "gridRows",
  "gridCols",
  "faultRate",
  "faultDensity",
  "faultSites",
  "faultPlan",
  "timeout",
  "transport",
  "commLatency",
  "commBandwidth",
];

const flag = (k: Key) => `--${flagName(k)}`;

/**
 * Checks `values` and returns the resolved configuration. `explicit` holds the keys the user set
 * (by flag or config file), as opposed to defaults.
 */
export function prepareTrainConfig(values: TrainConfig, explicit: ReadonlySet<string>): TrainConfig {
  const c = { ...values };
  const info = DATASETS[c.dataset];

  if (c.layers.length < 2) {
    throw new UsageError(`--layers ${c.layers.join(",")}: give at least an input and an output width`);
  }
  if (c.layers[0] !== info.features) {
    throw new UsageError(
      `--layers ${
        c.layers.join(",")
      }: the first width must be ${info.features} (28×28 pixels of ${c.dataset})`,
    );
  }
  if (c.layers[c.layers.length - 1] !== info.classes) {
    throw new UsageError(
      `--layers ${c.layers.join(",")}: the last width must be ${info.classes} (the classes of ${c.dataset})`,
    );
  }

  if (c.rounds > 0) {
    for (const k of ["epochs", "evalEvery"] as const) {
      if (explicit.has(k)) {
        throw new UsageError(
          `${
            flag(k)
          } conflicts with --rounds, which sets its own schedule (one pass, evaluated after each round); drop one of them`,
        );
      }
    }
  } else if (explicit.has("roundSamples")) {
    throw new UsageError("--round-samples needs --rounds (the authors' schedule)");
  }

  for (const [key, owner] of Object.entries(OWNERS) as [Key, { strategies: string[]; code?: string }][]) {
    if (!explicit.has(key)) continue;
    if (!owner.strategies.includes(c.strategy)) {
      throw new UsageError(
        `${flag(key)} is a flag of --strategy ${
          owner.strategies.join(" or ")
        }, not of --strategy ${c.strategy}`,
      );
    }
    if (owner.code !== undefined && c.code !== owner.code) {
      throw new UsageError(`${flag(key)} is a flag of --code ${owner.code}, not of --code ${c.code}`);
    }
  }

  if (c.strategy === "uncoded" && c.workers === undefined) c.workers = c.gridRows * c.gridCols;
  if (c.strategy === "uncoded" && c.workers !== 1 && c.workers !== c.gridRows * c.gridCols) {
    throw new UsageError(
      `--workers ${c.workers} does not match --grid-rows ${c.gridRows} × --grid-cols ${c.gridCols} = ${
        c.gridRows * c.gridCols
      } nodes; set the grid (or --workers 1 for the centralized reference)`,
    );
  }
  if (c.strategy === "uncoded" && c.workers === 1) {
    for (const key of DISTRIBUTED_ONLY) {
      if (explicit.has(key) && !(key === "faultRate" && c.faultRate === 0)) {
        throw new UsageError(
          `${
            flag(key)
          } does not apply to the centralized reference (--strategy uncoded --workers 1), which has no nodes and no faults`,
        );
      }
    }
  }

  const centralized = c.strategy === "uncoded" && c.workers === 1;
  for (const key of CENTRALIZED_ONLY) {
    if (explicit.has(key) && !centralized) {
      throw new UsageError(
        `${
          flag(key)
        } applies to the centralized reference only (--strategy uncoded --workers 1); distributed nodes always run the wasm kernels`,
      );
    }
  }

  const needed = c.rounds > 0 ? c.rounds * c.roundSamples : undefined;
  c.trainSamples ??= needed ?? info.defaultTrain;
  if (needed !== undefined && c.trainSamples < needed) {
    throw new UsageError(
      `--train-samples ${c.trainSamples} is less than --rounds × --round-samples = ${needed}, the samples one pass uses`,
    );
  }
  const perBatch = c.rounds > 0 ? c.roundSamples : c.trainSamples;
  if (c.batch > perBatch) {
    throw new UsageError(
      `--batch ${c.batch} is larger than the ${perBatch} samples of ${
        c.rounds > 0 ? "a round" : "the training set"
      }`,
    );
  }
  c.name ??= c.strategy;
  return c;
}

/**
 * Keys a resolved configuration does not use: flags of other strategies or codes, the distributed
 * flags for the centralized reference, and the schedule flags the chosen schedule ignores. They
 * are left out of config.json, so that `--config <run>/config.json` repeats the run.
 */
export function unusedKeys(c: TrainConfig): Key[] {
  const unused = new Set<Key>();
  for (const [key, owner] of Object.entries(OWNERS) as [Key, { strategies: string[]; code?: string }][]) {
    if (!owner.strategies.includes(c.strategy) || (owner.code !== undefined && owner.code !== c.code)) {
      unused.add(key);
    }
  }
  if (c.strategy === "uncoded" && c.workers === 1) { for (const key of DISTRIBUTED_ONLY) unused.add(key); }
  else for (const key of CENTRALIZED_ONLY) unused.add(key);
  for (const key of c.rounds > 0 ? ["epochs", "evalEvery"] as const : ["rounds", "roundSamples"] as const) {
    unused.add(key);
  }
  return [...unused];
}
