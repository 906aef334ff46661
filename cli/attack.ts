/**
 * `codenet attack`: fault-injection campaigns against a coded stage standalone (no training): the
 * code flags of `encode`, one or more fault models, t faulty symbols per trial (or a per-node
 * rate), a schedule; prints the tolerance table (or `--json`) and writes `tolerance.csv`,
 * `injections.jsonl` and `attack.json` to `--out` (default results/attack-<UTC>). `--replay
 * <injections.jsonl or run folder>` re-runs exactly the recorded injections and checks that every
 * outcome is reproduced (exit 1 otherwise).
 *
 * With `--train <train config>` the target is a training run instead (lib/attack/train-*.ts):
 * short seeded runs of the configured strategy with faults at `--sites`, each judged against the
 * fault-free run with the same seed, written in the same formats. The train config fixes the
 * code, decoder and precision, so the stage target's flags for them are refused. `--replay` of a
 * training campaign's run folder re-runs its trials with exactly the recorded faults
 * (lib/attack/train-replay.ts), reported as the stage replay is.
 *
 * @module
 */

import { join } from "node:path";
import { flagName, option, type Values } from "../lib/config/options.ts";
import { UsageError } from "../lib/errors.ts";
import { buildLayerCode } from "../lib/codes/build.ts";
import { codeOptions, codeSpecFrom, layerSizeOptions } from "../lib/codes/code-options.ts";
import { DECODE_MODES, type DecodeMode } from "../lib/codes/decoder.ts";
import { BIT_CLASSES } from "../lib/faults/bits.ts";
import { type FaultSite, parseSites } from "../lib/faults/sites.ts";
import { checkModelName, FAULT_MODELS, type ModelParameters, parametersOf } from "../lib/faults/registry.ts";
import {
  attackJson,
  type CampaignConfig,
  type CampaignHooks,
  type CampaignResult,
  checkRecordedTrainTrials,
  type CodeLabel,
  defaultWeightTolerance,
  formatAttackTable,
  headerLine,
  injectionLogTarget,
  parseInjectionLog,
  parseTrainInjectionLog,
  planRows,
  replayCampaign,
  resolveTrainTarget,
  runCampaign,
  runTrainAttack,
  type Schedule,
  SCHEDULES,
  STAGE_NAMES,
  type StageName,
  stageOf,
  toleranceCsv,
  trialLines,
  validateCampaign,
  validateTrainCampaign,
} from "../lib/attack/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../lib/io/atomic.ts";
import { AtomicLineWriter } from "../lib/io/atomic-stream.ts";
import { collectEnvironment } from "../lib/results/environment.ts";
import { Progress, type ProgressMode } from "../lib/results/progress.ts";
import { createRunDirectory } from "../lib/results/run-directory.ts";
import type { DType } from "../lib/tensor/matrix.ts";
import type { Command } from "./command.ts";

/** The `attack` flags. */
export const attackSchema = {
  ...codeOptions,
  ...layerSizeOptions,
  length: option.int<number | undefined>({
    default: undefined,
    min: 1,
    description: "entries per symbol, both stages (default: the layout's for --rows × --cols)",
    group: "Target",
  }),
  stage: option.string({
    default: "both",
    choices: [...STAGE_NAMES, "both"],
    description: "stage(s) attacked",
    group: "Target",
  }),
  mode: option.string({
    default: "probabilistic",
    choices: DECODE_MODES,
    description: "error model the decoder assumes",
    group: "Target",
  }),
  dtype: option.string({
    default: "float32",
    choices: ["float32", "float64"],
    description: "storage precision of the symbols",
    group: "Target",
  }),
  datasets: option.int({
    default: 16,
    min: 1,
    max: 1000,
    description: "seeded message sets the trials cycle through",
    group: "Target",
  }),
  toleranceScale: option.number({
    default: 1,
    min: 0,
    exclusiveMin: true,
    description: "factor on the tolerance's scale (max |message|); ≈ √terms emulates a layer's sums",
    group: "Target",
  }),
  train: option.string<string | undefined>({
    default: undefined,
    description:
      'attack a training run: a train config JSON file, an inline JSON object, or --train="<train flags>"',
    placeholder: "config",
    group: "Training target",
  }),
  sites: option.string<string | undefined>({
    default: undefined,
    description: "with --train: comma-separated fault sites (one row group each), or all (default stored)",
    placeholder: "sites",
    group: "Training target",
  }),
  trainSeeds: option.int({
    default: 1,
    min: 1,
    max: 1000,
    description: "with --train: training seeds the trials cycle through (one fault-free run each)",
    group: "Training target",
  }),
  weightTolerance: option.number<number | undefined>({
    default: undefined,
    min: 0,
    description:
      "with --train: relative weight difference still the same result (default 1e-4 f32, 1e-9 f64)",
    group: "Training target",
  }),
  model: option.string({
    default: "additive",
    description: `fault model(s), comma-separated: ${FAULT_MODELS.join(", ")}`,
    placeholder: "models",
    group: "Faults",
  }),
  density: option.number<number | undefined>({
    default: undefined,
    min: 0,
    exclusiveMin: true,
    max: 1,
    description:
      "fraction of a symbol's entries struck (default 0.005 additive/in-span/colluding, else 1 entry)",
    group: "Faults",
  }),
  amplitude: option.number({
    default: 5,
    min: 0,
    exclusiveMin: true,
    description: "half-width a of U(−a, a): additive, random-value, in-span, colluding",
    group: "Faults",
  }),
  bits: option.intList<number[] | undefined>({
    default: undefined,
    min: 0,
    max: 63,
    description: "bitflip/stuck-at: exactly these bit indices (0 = lowest mantissa bit)",
    group: "Faults",
  }),
  bitClass: option.string<string | undefined>({
    default: undefined,
    choices: BIT_CLASSES,
    description: "bitflip/stuck-at: draw the bits from this class (default any)",
    group: "Faults",
  }),
  flips: option.int<number | undefined>({
    default: undefined,
    min: 1,
    description: "bitflip/stuck-at: distinct bits per struck entry (default 1)",
    group: "Faults",
  }),
  scalePercent: option.number({
    default: 10,
    min: 0,
    description: "scale: multiply by 1 ± p/100",
    group: "Faults",
  }),
  probability: option.number({
    default: 0.1,
    min: 0,
    max: 1,
    description: "mercurial: probability that a faulty node is wrong in a trial",
    group: "Faults",
  }),
  inner: option.string({
    default: "additive",
    description: "mercurial: how a wrong result is corrupted (a single-symbol model)",
    placeholder: "model",
    group: "Faults",
  }),
  errors: option.intList<number[] | undefined>({
    default: undefined,
    min: 0,
    description: "exact faulty symbols per trial, e.g. 0..3 (default 0..P−Q+1)",
    group: "Campaign",
  }),
  rate: option.numberList<number[] | undefined>({
    default: undefined,
    min: 0,
    max: 1,
    description: "instead of --errors: each symbol faulty with this probability per trial",
    group: "Campaign",
  }),
  erasures: option.int({
    default: 0,
    min: 0,
    description: "extra crashed nodes (erasures) per trial, chosen among the healthy ones",
    group: "Campaign",
  }),
  schedule: option.string({
    default: "transient",
    choices: SCHEDULES,
    description: "transient: new faults every trial; permanent/intermittent: same faults for a sequence",
    group: "Campaign",
  }),
  sequence: option.int({
    default: 100,
    min: 1,
    description: "trials per sequence on the same node set (permanent, intermittent, mercurial)",
    group: "Campaign",
  }),
  activity: option.number({
    default: 0.5,
    min: 0,
    max: 1,
    description: "intermittent: probability that a faulty node misbehaves in a trial",
    group: "Campaign",
  }),
  trials: option.int({
    default: 1000,
    min: 1,
    description: "trials per row (stage, model, t); with --train default 20 training runs",
    group: "Campaign",
  }),
  trialBudget: option.number({
    default: 1,
    min: 0,
    exclusiveMin: true,
    description:
      "seconds a decode (with --train: a run; default 10× the fault-free run) may take before a hang",
    group: "Campaign",
  }),
  seed: option.int({
    default: 1,
    min: 0,
    description: "seed of the generators, data and faults",
    group: "Campaign",
  }),
  out: option.string<string | undefined>({
    default: undefined,
    description: "results folder (default results/attack-<UTC time>)",
    placeholder: "dir",
    group: "Output",
  }),
  json: option.boolean({
    default: false,
    description: "print one JSON object instead of the table",
    group: "Output",
  }),
  replay: option.string<string | undefined>({
    default: undefined,
    description:
      "re-run the injections of an injections.jsonl or run folder (stage or --train) and check the outcomes",
    placeholder: "file",
    group: "Output",
    cliOnly: true,
  }),
  progress: option.string({
    default: "auto",
    choices: ["auto", "line", "plain", "none"],
    description: "progress on stderr: a redrawn line, plain lines, or nothing (auto: line on a TTY)",
    group: "Output",
    cliOnly: true,
  }),
  debug: option.boolean({
    default: false,
    description: "print stack traces of errors",
    group: "Output",
    cliOnly: true,
  }),
};

/** The parsed `attack` flags. */
export type AttackValues = Values<typeof attackSchema>;

/** Flags given on the command line (`--flag` or `--flag=value`), as schema keys. */
function givenFlags(argv: readonly string[]): Set<string> {
  const given = new Set<string>();
  for (const a of argv) {
    const m = /^--([^=]+)/.exec(a);
    if (m) given.add(m[1].replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
  }
  return given;
}

const MODEL_FLAGS: readonly (keyof ModelParameters)[] = [
  "density",
  "amplitude",
  "bits",
  "bitClass",
  "flips",
  "scalePercent",
  "probability",
  "inner",
];

/** The fault models and their parameters the flags name (parameters that no model reads are errors). */
function modelsFromFlags(
  values: AttackValues,
  given: Set<string>,
): { models: string[]; parameters: ModelParameters } {
  const models = values.model.split(",").map((m) => m.trim()).filter((m) => m !== "");
  models.forEach((m) => checkModelName(m));
  const parameters: ModelParameters = {
    density: values.density,
    amplitude: values.amplitude,
    bits: values.bits,
    bitClass: values.bitClass,
    flips: values.flips,
    scalePercent: values.scalePercent,
    probability: values.probability,
    inner: values.inner,
  };
  for (const flag of MODEL_FLAGS) {
    if (given.has(flag) && !models.some((m) => parametersOf(m as never, parameters).includes(flag))) {
      const kebab = flag.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
      throw new UsageError(`--${kebab} does not apply to --model ${models.join(",")}; see --help`);
    }
  }
  return { models, parameters };
}

/** The campaign the flags describe (checked against the code). */
function campaignFromFlags(values: AttackValues, given: Set<string>): CampaignConfig {
  const { models, parameters } = modelsFromFlags(values, given);
  const code = codeSpecFrom(values);
  const layerCode = buildLayerCode(code);
  const stages: StageName[] = values.stage === "both" ? [...STAGE_NAMES] : [values.stage as StageName];
  const layout = values.length === undefined ? layerCode.layout(values.rows, values.cols) : undefined;
  const lengths = {
    forward: values.length ?? layout!.forwardLength,
    backward: values.length ?? layout!.backwardLength,
  };
  const mostDetectable = Math.max(...stages.map((s) => stageOf(layerCode, s).bounds.detectable));
  const errors = values.rate !== undefined
    ? values.errors
    : values.errors ?? Array.from({ length: mostDetectable + 2 }, (_, t) => t);
  return validateCampaign({
    code,
    stages,
    lengths,
    models,
    parameters,
    errors,
    rates: values.rate,
    erasures: values.erasures,
    schedule: values.schedule as Schedule,
    sequence: values.sequence,
    activity: values.activity,
    trials: values.trials,
    mode: values.mode as DecodeMode,
    dtype: values.dtype as DType,
    datasets: values.datasets,
    toleranceScale: values.toleranceScale,
    seed: values.seed,
    budgetSeconds: values.trialBudget,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** `--replay`'s header errors: one line naming the file. */
function headerError(file: string, e: unknown): UsageError {
  if (e instanceof UsageError) return new UsageError(`--replay ${file}: its campaign header: ${e.message}`);
  return new UsageError(`--replay ${file}: malformed campaign header (${(e as Error).message})`);
}

/** A training campaign's recorded log, checked against its own header. */
function readTrainReplay(text: string, file: string) {
  const log = parseTrainInjectionLog(text, file);
  let target;
  let config;
  try {
    target = resolveTrainTarget(JSON.stringify(log.config.train));
    config = validateTrainCampaign(log.config, target);
  } catch (e) {
    throw headerError(file, e);
  }
  checkRecordedTrainTrials(config, target, log.trials, file);
  return { kind: "train" as const, file, config, target, trials: log.trials };
}

/** The recorded campaign of `--replay` (a file or a run folder holding injections.jsonl). */
async function readReplay(path: string) {
  let file = path;
  try {
    if ((await Deno.stat(path)).isDirectory) file = join(path, "injections.jsonl");
  } catch {
    throw new UsageError(`--replay ${path}: no such file or folder`);
  }
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    throw new UsageError(`--replay ${file}: cannot read it (${(e as Error).message})`);
  }
  if (injectionLogTarget(text, file) === "train") return readTrainReplay(text, file);
  const log = parseInjectionLog(text, file);
  try {
    return { kind: "stage" as const, file, config: validateCampaign(log.config), trials: log.trials };
  } catch (e) {
    throw headerError(file, e);
  }
}

/** Prints a replay's verdict on stderr; the exit code (1 when a trial was not reproduced). */
function replayVerdict(summary: { replayed: number; mismatches: number; fault_mismatches?: number }): number {
  if (summary.mismatches > 0) {
    const what = (summary.fault_mismatches ?? 0) > 0 ? "another outcome or other faults" : "another outcome";
    console.error(
      `replay: ${summary.mismatches} of ${summary.replayed} trials gave ${what} than recorded ` +
        `(see attack.json replay.first_mismatches)`,
    );
    return 1;
  }
  console.error(`replay: all ${summary.replayed} recorded outcomes reproduced`);
  return 0;
}

/** Flags that mean something with `--train`. */
const TRAIN_TARGET_FLAGS: ReadonlySet<string> = new Set([
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

/** The `--sites` list (parseSites names the train flag in its errors). */
function sitesOf(text: string): FaultSite[] {
  try {
    return parseSites(text);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.message.replace("--fault-sites", "--sites"));
    throw e;
  }
}

/** The training campaign the flags describe (checked against the train config). */
function trainCampaignFromFlags(values: AttackValues, given: Set<string>) {
  if (given.has("replay")) {
    throw new UsageError(
      "--replay re-runs the recorded campaign with its own settings (its train flags included); drop --train",
    );
  }
  const stray = [...given].find((f) => !TRAIN_TARGET_FLAGS.has(f));
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
  return { config, target };
}

/** `attack --train`: runs the training campaign, prints the table (or `--json`); the exit code. */
async function runTrainTarget(values: AttackValues, given: Set<string>): Promise<number> {
  const { config, target } = trainCampaignFromFlags(values, given);
  const outcome = await runTrainAttack(config, target, {
    out: values.out,
    progress: values.progress as ProgressMode,
  });
  return printTrainOutcome(values, outcome);
}

/** Prints a training campaign's table (or `--json`) and summary; the exit code. */
function printTrainOutcome(
  values: AttackValues,
  outcome: Awaited<ReturnType<typeof runTrainAttack>>,
): number {
  if (values.json) {
    console.log(JSON.stringify(outcome.json));
    console.error(outcome.summary);
  } else {
    console.log(outcome.table);
    console.log(`\n${outcome.summary}`);
  }
  return outcome.replay ? replayVerdict(outcome.replay) : 0;
}

/** The campaign to run (from the flags or `--replay`), after every check that needs no trial. */
async function resolveAttack(values: AttackValues, argv: readonly string[]) {
  const given = givenFlags(argv);
  const trainOnly = (["sites", "trainSeeds", "weightTolerance"] as const).find((f) => given.has(f));
  if (trainOnly !== undefined) {
    throw new UsageError(
      `--${
        trainOnly.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())
      } needs --train (the training-run target)`,
    );
  }
  const replay = values.replay !== undefined ? await readReplay(values.replay) : undefined;
  if (replay !== undefined) {
    const extra = [...given].filter((f) => !["replay", "out", "json", "progress", "debug"].includes(f));
    if (extra.length > 0) {
      throw new UsageError(
        `--replay re-runs the recorded campaign with its own settings; drop --${
          extra[0].replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())
        }`,
      );
    }
  }
  const config = replay?.kind === "train" ? undefined : replay?.config ?? campaignFromFlags(values, given);
  if (values.out !== undefined && (await exists(join(values.out, "attack.json")))) {
    throw new UsageError(
      `--out ${values.out}: already holds an attack run (attack.json); choose another folder`,
    );
  }
  if (replay?.kind === "train") return { trainReplay: replay };
  return { replay, config: config! };
}

/** The `attack` command. */
export const attackCommand: Command<typeof attackSchema> = {
  name: "attack",
  summary: "fault-injection campaigns on a coded stage: outcome counts with 95 % intervals beside the theory",
  examples: [
    "deno task cli attack --code grid --pr 7 --qr 5 --pc 6 --qc 4 --model additive --errors 0..3 --trials 3000 --json",
    "deno task cli attack --model bitflip --bit-class exponent --flips 1 --errors 1 --dtype float32",
    "deno task cli attack --model in-span,colluding --errors 0..4 --stage forward",
    "deno task cli attack --code replication --r 3 --model additive --rate 0.01,0.05",
    "deno task cli attack --model mercurial --probability 0.2 --inner bitflip --errors 1 --sequence 1000",
    "deno task cli attack --replay results/attack-20250101T120000Z",
    "deno task cli attack --replay results/attack-train-20250101T120000Z",
    "deno task cli attack --train results/codenet-20250101T120000Z/config.json --sites product,stored --errors 0..2 --trials 20",
    'deno task cli attack --train="--dataset synthetic --layers 784,32,10 --train-samples 40 --strategy replication" --sites message --model bitflip --bit-class exponent --errors 1 --trials 10',
  ],
  schema: attackSchema,
  async check(values, argv) {
    if (values.train !== undefined) trainCampaignFromFlags(values, givenFlags(argv));
    else await resolveAttack(values, argv);
  },
  async run(values, argv) {
    const given = givenFlags(argv);
    if (values.train !== undefined) return await runTrainTarget(values, given);
    const resolved = await resolveAttack(values, argv);
    if (resolved.trainReplay !== undefined) {
      const { file, config, target, trials } = resolved.trainReplay;
      const outcome = await runTrainAttack(config, target, {
        out: values.out,
        progress: values.progress as ProgressMode,
        replay: { file, trials },
      });
      return printTrainOutcome(values, outcome);
    }
    const { replay, config } = resolved;
    const code = buildLayerCode(config.code);
    const label: CodeLabel = { code: code.kind, parameters: code.label };
    const dir = await createRunDirectory({ name: replay ? "attack-replay" : "attack", out: values.out });
    const environment = await collectEnvironment(config.seed, "none (decode only)");

    const rows = planRows(config);
    const log = AtomicLineWriter.open(join(dir, "injections.jsonl"));
    log.line(headerLine(config, rows));
    const progress = new Progress(values.progress as ProgressMode);
    const hooks: CampaignHooks = {
      onTrial: (row, trial, r, faulty) => {
        for (const line of trialLines(row, trial, r, faulty)) log.line(line);
      },
      onProgress: (done, total, what) => progress.update({ done, total, label: what }),
    };
    const start = performance.now();
    let result: CampaignResult;
    let replaySummary: Record<string, unknown> | undefined;
    try {
      if (replay) {
        const r = replayCampaign(config, replay.trials, hooks);
        result = r;
        replaySummary = {
          source: replay.file,
          replayed: r.replayed,
          mismatches: r.mismatches.length,
          first_mismatches: r.mismatches.slice(0, 20),
        };
      } else {
        result = runCampaign(config, hooks);
      }
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
    const json = attackJson(result, label, {
      out: dir,
      files,
      seconds,
      trials_per_second: trials / seconds,
      ...(replaySummary ? { replay: replaySummary } : {}),
      environment,
    });
    await writeFileAtomic(join(dir, "tolerance.csv"), toleranceCsv(result, label));
    await writeJsonAtomic(join(dir, "attack.json"), json);

    const where = `wrote ${files.join(", ")} to ${dir} (${trials} trials in ${seconds.toFixed(1)} s)`;
    if (values.json) {
      console.log(JSON.stringify(json));
      console.error(where);
    } else {
      console.log(formatAttackTable(result, label, code.kind === "replication"));
      console.log(`\n${where}`);
    }
    if (replaySummary) {
      return replayVerdict(replaySummary as { replayed: number; mismatches: number });
    }
    return 0;
  },
};
