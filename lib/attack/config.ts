/**
 * The configuration of a standalone stage campaign as plain JSON (it heads `injections.jsonl`, so
 * that `--replay` rebuilds the same code, data and rows), its validation, and the rows it plans:
 * one per (stage, model, t) or (stage, model, per-node rate).
 *
 * @example
 * ```ts
 * import { planRows, validateCampaign } from "./config.ts";
 * const config = validateCampaign({
 *   code: { code: "grid", pr: 7, qr: 5, pc: 6, qc: 4 }, stages: ["forward"], lengths: { forward: 2000, backward: 2500 },
 *   models: ["additive"], parameters: {}, errors: [0, 1, 2, 3], erasures: 0, schedule: "transient",
 *   sequence: 100, activity: 0.5, trials: 3000, mode: "probabilistic", dtype: "float32", datasets: 16,
 *   toleranceScale: 1, seed: 1, budgetSeconds: 1,
 * });
 * planRows(config).length; // 4
 * ```
 *
 * @module
 */

import { buildLayerCode, type CodeSpec } from "../codes/build.ts";
import type { DecodeMode } from "../codes/decoder.ts";
import type { LayerCode } from "../codes/layer-code.ts";
import type { StageCode } from "../codes/stage.ts";
import { UsageError } from "../errors.ts";
import { buildStageAttack, checkModelName, type ModelParameters } from "../faults/registry.ts";
import type { StageAttack } from "../faults/stage-attack.ts";
import type { DType } from "../tensor/matrix.ts";
import { MAX_FAULTY_SYMBOLS, MAX_TRIALS, type Schedule } from "./schedule.ts";

/** The two stages of a layer. */
export const STAGE_NAMES = ["forward", "backward"] as const;
/** A stage name. */
export type StageName = typeof STAGE_NAMES[number];

/** A campaign; see the module documentation. */
export interface CampaignConfig {
  /** The code (the `encode` flags). */
  readonly code: CodeSpec;
  /** Stages attacked, in order. */
  readonly stages: readonly StageName[];
  /** Entries per symbol of each stage. */
  readonly lengths: Readonly<Record<StageName, number>>;
  /** Fault models (`--model` names), one row group each. */
  readonly models: readonly string[];
  /** Their parameters. */
  readonly parameters: ModelParameters;
  /** Exact numbers of faulty symbols per trial (one row each); or */
  readonly errors?: readonly number[];
  /** per-node fault probabilities per trial (one row each). */
  readonly rates?: readonly number[];
  /** Extra crashed (erased) symbols per trial, chosen among the healthy ones. */
  readonly erasures: number;
  readonly schedule: Schedule;
  /** Trials per sequence on the same node set. */
  readonly sequence: number;
  /** Intermittent faults' per-trial activity. */
  readonly activity: number;
  /** Trials per row. */
  readonly trials: number;
  readonly mode: DecodeMode;
  /** Storage precision of the symbols. */
  readonly dtype: DType;
  /** Seeded data sets the trials cycle through. */
  readonly datasets: number;
  /** Factor on the tolerance's scale. */
  readonly toleranceScale: number;
  readonly seed: number;
  /** Time budget of one decode, beyond which a trial is a `hang`. */
  readonly budgetSeconds: number;
}

/** One row of a campaign. */
export interface RowPlan {
  /** Position in the campaign's rows (what injection records refer to). */
  readonly index: number;
  readonly stage: StageName;
  readonly model: string;
  /** Exact faulty symbols, or undefined for a per-node-rate row. */
  readonly t?: number;
  readonly rate?: number;
  /** Stream name of the row's draws. */
  readonly key: string;
}

/** The rows of a campaign: stages × models × (t or rate). */
export function planRows(config: CampaignConfig): RowPlan[] {
  const rows: RowPlan[] = [];
  for (const stage of config.stages) {
    for (const model of config.models) {
      if (config.rates !== undefined) {
        for (const rate of config.rates) {
          rows.push({ index: rows.length, stage, model, rate, key: `${stage}/${model}/rate=${rate}` });
        }
      } else {
        for (const t of config.errors ?? []) {
          rows.push({ index: rows.length, stage, model, t, key: `${stage}/${model}/t=${t}` });
        }
      }
    }
  }
  return rows;
}

/** The stage of a code by name. */
export function stageOf(code: LayerCode, name: StageName): StageCode {
  return name === "forward" ? code.forward : code.backward;
}

/** The built pieces of a validated campaign. */
export interface CampaignParts {
  readonly code: LayerCode;
  /** One attack object per model name. */
  readonly attacks: ReadonlyMap<string, StageAttack>;
}

/** Builds the code and attacks of a campaign (UsageErrors for bad parameters). */
export function buildCampaign(config: CampaignConfig): CampaignParts {
  const code = buildLayerCode(config.code);
  const attacks = new Map(
    config.models.map((m) => [m, buildStageAttack(m, config.parameters, config.dtype)]),
  );
  return { code, attacks };
}

function positiveInteger(value: number, flag: string, max = Number.MAX_SAFE_INTEGER): void {
  if (!(Number.isInteger(value) && value >= 1 && value <= max)) {
    throw new UsageError(`${flag}: ${value} must be an integer in 1..${max}`);
  }
}

/**
 * Checks a campaign against its code (UsageError with one line otherwise) and returns it: t and
 * erasures within every stage's P, rates in [0, 1], exact t for codeword attacks, sizes positive.
 */
export function validateCampaign(config: CampaignConfig): CampaignConfig {
  const { code } = buildCampaign(config);
  if (config.models.length === 0) throw new UsageError("--model: name at least one fault model");
  config.models.forEach((m) => checkModelName(m));
  if ((config.errors === undefined) === (config.rates === undefined)) {
    throw new UsageError(
      "give either --errors (exact faulty symbols per trial) or --rate (per node), not both",
    );
  }
  positiveInteger(config.trials, "--trials", MAX_TRIALS);
  positiveInteger(config.datasets, "--datasets", 1_000);
  positiveInteger(config.sequence, "--sequence", MAX_TRIALS);
  if (!(config.activity >= 0 && config.activity <= 1)) {
    throw new UsageError(`--activity: ${config.activity} must be in [0, 1]`);
  }
  if (!(config.toleranceScale > 0 && Number.isFinite(config.toleranceScale))) {
    throw new UsageError(`--tolerance-scale: ${config.toleranceScale} must be a positive number`);
  }
  if (!(config.budgetSeconds > 0)) throw new UsageError(`--trial-budget must be positive`);
  if (!(Number.isInteger(config.erasures) && config.erasures >= 0)) {
    throw new UsageError(`--erasures: ${config.erasures} must be a non-negative integer`);
  }
  for (const name of config.stages) {
    const stage = stageOf(code, name);
    positiveInteger(config.lengths[name], `--length (${name} stage)`, 1 << 26);
    const most = Math.max(...(config.errors ?? [0]));
    const least = Math.min(...(config.errors ?? [0]));
    if (least < 0) throw new UsageError(`--errors: ${least} faulty symbols is not a count`);
    if (most + config.erasures > stage.P || most > MAX_FAULTY_SYMBOLS) {
      throw new UsageError(
        `--errors ${most}${config.erasures > 0 ? ` with --erasures ${config.erasures}` : ""}: the ${name} ` +
          `stage has only ${stage.P} symbols (P = ${stage.P}, Q = ${stage.Q})`,
      );
    }
    if (config.erasures >= stage.P) {
      throw new UsageError(`--erasures ${config.erasures}: the ${name} stage has only ${stage.P} symbols`);
    }
  }
  for (const rate of config.rates ?? []) {
    if (!(rate >= 0 && rate <= 1)) throw new UsageError(`--rate: ${rate} must be a probability in [0, 1]`);
  }
  if (config.rates !== undefined) {
    const joint = config.models.filter((m) => m === "in-span" || m === "colluding");
    if (joint.length > 0) {
      throw new UsageError(
        `--model ${joint[0]} needs an exact number of faulty symbols: use --errors, not --rate`,
      );
    }
  }
  return config;
}
