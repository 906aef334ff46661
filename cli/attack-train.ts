/**
 * `codenet attack --train`: the training-run target. Resolves the train config (checked with the
 * train schema, lib/attack/train-config.ts), the sites, models, t (default 1) or rates, runs the
 * campaign (lib/attack/train-campaign.ts) and writes `tolerance.csv`, `injections.jsonl` and
 * `attack.json` to `--out` (default results/attack-train-<UTC>), printing the table or `--json`.
 *
 * Flags of the stage target (code, stage, decoder mode, precision, erasures, schedules, replay)
 * are refused: the training config fixes the code, the decoder and the precision.
 *
 * @module
 */

import { join } from "node:path";
import { flagName } from "../lib/config/options.ts";
import { UsageError } from "../lib/errors.ts";
import { parseSites } from "../lib/faults/sites.ts";
import { writeFileAtomic, writeJsonAtomic } from "../lib/io/atomic.ts";
import { AtomicLineWriter } from "../lib/io/atomic-stream.ts";
import {
  defaultWeightTolerance,
  formatTrainTable,
  planTrainRows,
  resolveTrainTarget,
  runTrainCampaign,
  trainAttackJson,
  type TrainCampaignResult,
  trainHeaderLine,
  trainToleranceCsv,
  trainTrialLines,
  validateTrainCampaign,
} from "../lib/attack/mod.ts";
import { collectEnvironment } from "../lib/results/environment.ts";
import { Progress, type ProgressMode } from "../lib/results/progress.ts";
import { createRunDirectory } from "../lib/results/run-directory.ts";
import { type AttackValues, MODEL_FLAGS, modelsFromFlags } from "./attack.ts";

/** Flags that mean something with `--train` (a function: attack.ts imports this module). */
const trainTargetFlags = (): ReadonlySet<string> =>
  new Set([
    "train",
    "sites",
    "trainSeeds",
    "weightTolerance",
    "model",
    ...MODEL_FLAGS,
    "errors",
    "rate",
    "trials",
    "trialBudget",
    "seed",
    "out",
    "json",
    "progress",
    "debug",
  ]);

/** Default trials per row of the training target (each one is a training run). */
export const DEFAULT_TRAIN_TRIALS = 20;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The `--sites` list (parseSites names the train flag in its errors). */
function sitesOf(text: string) {
  try {
    return parseSites(text);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.message.replace("--fault-sites", "--sites"));
    throw e;
  }
}

/** Runs the training target of `attack`; returns the exit code. */
export async function runTrainAttack(values: AttackValues, given: Set<string>): Promise<number> {
  const allowed = trainTargetFlags();
  const stray = [...given].find((f) => !allowed.has(f));
  if (stray !== undefined) {
    throw new UsageError(
      `--${flagName(stray)} is a flag of the stage target; with --train the train config sets the code, ` +
        `decoder and precision (see --help)`,
    );
  }
  const target = resolveTrainTarget(values.train!);
  const { models, parameters } = modelsFromFlags(values, given);
  const errors = values.rate === undefined ? values.errors ?? [1] : values.errors;
  const config = validateTrainCampaign({
    train: target.flags,
    sites: sitesOf(values.sites ?? "stored"),
    models,
    parameters,
    ...(errors !== undefined ? { errors } : {}),
    ...(values.rate !== undefined ? { rates: values.rate } : {}),
    trials: given.has("trials") ? values.trials : DEFAULT_TRAIN_TRIALS,
    trainSeeds: values.trainSeeds,
    seed: values.seed,
    ...(given.has("trialBudget") ? { budgetSeconds: values.trialBudget } : {}),
    weightTolerance: values.weightTolerance ?? defaultWeightTolerance(target.config.dtype),
  }, target);

  if (values.out !== undefined && (await exists(join(values.out, "attack.json")))) {
    throw new UsageError(
      `--out ${values.out}: already holds an attack run (attack.json); choose another folder`,
    );
  }
  const dir = await createRunDirectory({ name: "attack-train", out: values.out });
  const environment = await collectEnvironment(target.config.seed, "wasm (distributed nodes)");
  const rows = planTrainRows(config);
  const log = AtomicLineWriter.open(join(dir, "injections.jsonl"));
  log.line(trainHeaderLine(config, rows));
  const progress = new Progress(values.progress as ProgressMode);
  const start = performance.now();
  let result: TrainCampaignResult;
  try {
    result = await runTrainCampaign(config, target, {
      onTrial: (row, trial) => {
        for (const line of trainTrialLines(row, trial)) log.line(line);
      },
      onProgress: (done, total, what) => progress.update({ done, total, label: what }),
    });
    log.close();
  } catch (e) {
    log.abort();
    throw e;
  } finally {
    progress.done();
  }
  const seconds = (performance.now() - start) / 1000;
  const trials = result.rows.reduce((s, r) => s + r.trials, 0);
  const files = ["tolerance.csv", "injections.jsonl", "attack.json"];
  const json = trainAttackJson(result, {
    out: dir,
    files,
    seconds,
    trials_per_second: trials / seconds,
    environment,
  });
  await writeFileAtomic(join(dir, "tolerance.csv"), trainToleranceCsv(result));
  await writeJsonAtomic(join(dir, "attack.json"), json);
  const where = `wrote ${files.join(", ")} to ${dir} (${trials} training runs in ${seconds.toFixed(1)} s)`;
  if (values.json) {
    console.log(JSON.stringify(json));
    console.error(where);
  } else {
    console.log(formatTrainTable(result));
    console.log(`\n${where}`);
  }
  return 0;
}
