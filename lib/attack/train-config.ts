/**
 * The configuration of a training-run campaign (`attack --train`): the training run (train flags,
 * checked exactly as `train` checks them), the fault sites, the fault models, t faulty nodes per
 * trial (or a per-node rate), trials, and how a trial is judged. Its rows are
 * (site, model, t or rate).
 *
 * `--train` takes a JSON file of train flags (keys are the flag names, e.g. a run's
 * `config.json`), an inline JSON object, or the train flags themselves as one string
 * (`--train="--strategy codenet --layers 784,32,10"`: with `=`, since the value starts with `--`). The campaign places its own faults: the train
 * config's `fault-rate`, `fault-sites`, `fault-plan` and `fault-density` are replaced.
 *
 * @example
 * ```ts
 * import { resolveTrainTarget } from "./train-config.ts";
 * const train = resolveTrainTarget("--dataset synthetic --layers 784,16,10 --train-samples 20 --strategy replication --qr 1 --qc 1");
 * train.config.strategy; // "replication"
 * ```
 *
 * @module
 */

import { buildLayerCode } from "../codes/build.ts";
import type { LayerCode } from "../codes/layer-code.ts";
import { parseOptions } from "../config/options.ts";
import { parseJson, readJsonObject } from "../config/read-json.ts";
import { UsageError } from "../errors.ts";
import { buildFaultModel, type ModelParameters } from "../faults/registry.ts";
import type { FaultSite } from "../faults/sites.ts";
import { configFileObject } from "../results/config-json.ts";
import { codeSpecOf } from "../strategies/code-spec.ts";
import { type TrainConfig, trainSchema } from "../train/config.ts";
import { prepareTrainConfig, unusedKeys } from "../train/prepare.ts";
import { MAX_TRIALS } from "./schedule.ts";
import { strikeCapacity } from "./train-plan.ts";

/** A training campaign as plain JSON (it heads `injections.jsonl`). */
export interface TrainCampaignConfig {
  /** The resolved train flags (kebab-case keys, a `train --config` object). */
  readonly train: Readonly<Record<string, unknown>>;
  /** Sites attacked, one row group each. */
  readonly sites: readonly FaultSite[];
  /** Buffer fault models (`--model` names). */
  readonly models: readonly string[];
  readonly parameters: ModelParameters;
  /** Faulty nodes struck at once (one stage of one iteration) per trial, one row each; or */
  readonly errors?: readonly number[];
  /** per-node fault probabilities per layer, phase and site during the whole run, one row each. */
  readonly rates?: readonly number[];
  /** Trials (short training runs) per row. */
  readonly trials: number;
  /** Training seeds the trials cycle through (train seed, +1, …), one fault-free reference each. */
  readonly trainSeeds: number;
  /** Seed of the fault placement and of the nodes' fault streams. */
  readonly seed: number;
  /** Seconds a trial may take before it counts as a hang (undefined: from the reference run). */
  readonly budgetSeconds?: number;
  /** Largest relative weight difference to the fault-free run still counted as the same result. */
  readonly weightTolerance: number;
}

/** One row of a training campaign. */
export interface TrainRowPlan {
  readonly index: number;
  readonly site: FaultSite;
  readonly model: string;
  readonly t?: number;
  readonly rate?: number;
  /** Stream name of the row's draws. */
  readonly key: string;
}

/** A resolved training target: the config as `train` would run it, and its code. */
export interface TrainTarget {
  readonly config: TrainConfig;
  readonly code: LayerCode;
  /** The config-file object of `config` (what the campaign header records). */
  readonly flags: Readonly<Record<string, unknown>>;
}

/** Keys the campaign sets itself. */
const CAMPAIGN_OWNED = ["faultRate", "faultSites", "faultPlan", "faultDensity"] as const;

/** The default weight tolerance of a storage precision (relative, per weight array). */
export function defaultWeightTolerance(dtype: string): number {
  return dtype === "float64" ? 1e-9 : 1e-4;
}

/** Parses `--train` (file, inline JSON object, or flags) into train values and their explicit keys. */
function parseTrainArgument(text: string) {
  const trimmed = text.trim();
  if (trimmed === "") {
    throw new UsageError("--train: give a train config file, a JSON object, or train flags");
  }
  if (trimmed.startsWith("--")) {
    const argv = trimmed.split(/\s+/);
    return { ...parseOptions(trainSchema, argv), name: "--train" };
  }
  const object = trimmed.startsWith("{") ? parseJson(trimmed, "--train") : readJsonObject(trimmed);
  if (object === null || typeof object !== "object" || Array.isArray(object)) {
    throw new UsageError("--train: the inline config must be a JSON object of train flags");
  }
  const name = trimmed.startsWith("{") ? "--train" : trimmed;
  return { ...parseOptions(trainSchema, [], object as Record<string, unknown>, name), name };
}

/**
 * The training target of `--train`: parsed and checked with the train schema and
 * `prepareTrainConfig` (UsageErrors prefixed with where the flags came from), with the fault
 * settings cleared and progress off.
 */
export function resolveTrainTarget(text: string): TrainTarget {
  const { values, sources, name } = parseTrainArgument(text);
  const explicit = new Set(
    Object.keys(sources).filter((k) => sources[k as keyof typeof sources] !== "default"),
  );
  for (const k of CAMPAIGN_OWNED) explicit.delete(k);
  let config: TrainConfig;
  try {
    config = prepareTrainConfig({
      ...values,
      faultRate: 0,
      faultSites: "stored",
      faultPlan: undefined,
      progress: "none",
      out: undefined,
    }, explicit);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${name}: ${e.message}`);
    throw e;
  }
  if (config.strategy === "uncoded" && config.workers === 1) {
    throw new UsageError(
      `${name}: the centralized reference (--strategy uncoded --workers 1) has no nodes to attack; ` +
        `use the uncoded grid (--grid-rows, --grid-cols)`,
    );
  }
  const code = buildLayerCode(codeSpecOf(config));
  try {
    for (let l = 0; l + 1 < config.layers.length; l++) code.layout(config.layers[l + 1], config.layers[l]);
  } catch (e) {
    throw new UsageError(`${name}: ${(e as Error).message}`);
  }
  const flags = configFileObject(trainSchema, config, [
    "out",
    "name",
    ...CAMPAIGN_OWNED,
    ...unusedKeys(config),
  ]);
  return { config, code, flags };
}

/** The rows of a training campaign: sites × models × (t or rate). */
export function planTrainRows(config: TrainCampaignConfig): TrainRowPlan[] {
  const rows: TrainRowPlan[] = [];
  for (const site of config.sites) {
    for (const model of config.models) {
      if (config.rates !== undefined) {
        for (const rate of config.rates) {
          rows.push({ index: rows.length, site, model, rate, key: `train/${site}/${model}/rate=${rate}` });
        }
      } else {
        for (const t of config.errors ?? []) {
          rows.push({ index: rows.length, site, model, t, key: `train/${site}/${model}/t=${t}` });
        }
      }
    }
  }
  return rows;
}

/**
 * Checks a training campaign against its target (UsageError with one line otherwise) and returns
 * it: buffer models only, t within what one stage of the code can hold at each site, rates in
 * [0, 1], sizes positive.
 */
export function validateTrainCampaign(config: TrainCampaignConfig, target: TrainTarget): TrainCampaignConfig {
  if (config.models.length === 0) throw new UsageError("--model: name at least one fault model");
  for (const m of config.models) buildFaultModel(m, config.parameters, target.config.dtype);
  if (config.sites.length === 0) throw new UsageError("--sites: name at least one fault site");
  if ((config.errors === undefined) === (config.rates === undefined)) {
    throw new UsageError("give either --errors (faulty nodes per trial) or --rate (per node), not both");
  }
  if (!(Number.isInteger(config.trials) && config.trials >= 1 && config.trials <= MAX_TRIALS)) {
    throw new UsageError(`--trials: ${config.trials} must be an integer in 1..${MAX_TRIALS}`);
  }
  if (!(Number.isInteger(config.trainSeeds) && config.trainSeeds >= 1 && config.trainSeeds <= 1000)) {
    throw new UsageError(`--train-seeds: ${config.trainSeeds} must be an integer in 1..1000`);
  }
  if (config.budgetSeconds !== undefined && !(config.budgetSeconds > 0)) {
    throw new UsageError("--trial-budget must be positive");
  }
  if (!(config.weightTolerance >= 0 && Number.isFinite(config.weightTolerance))) {
    throw new UsageError(`--weight-tolerance: ${config.weightTolerance} must be a number ≥ 0`);
  }
  const layers = target.config.layers.length - 1;
  for (const site of config.sites) {
    const most = strikeCapacity(target.code, layers, site);
    for (const t of config.errors ?? []) {
      if (!(Number.isInteger(t) && t >= 0)) throw new UsageError(`--errors: ${t} is not a count of nodes`);
      if (t > most) {
        throw new UsageError(
          `--errors ${t}: at site ${site} one stage of ${target.code.kind} ${target.code.label} ` +
            `has only ${most} distinct faulty symbols (or nodes) to strike`,
        );
      }
    }
  }
  for (const rate of config.rates ?? []) {
    if (!(rate >= 0 && rate <= 1)) throw new UsageError(`--rate: ${rate} must be a probability in [0, 1]`);
  }
  return config;
}
