/**
 * Experiment configs (`experiments/<name>.json`), the input of `compare`:
 *
 * ```json
 * {
 *   "purpose": "one line: what this experiment shows",
 *   "name": "demo",
 *   "base": { "dataset": "mnist", "layers": [784, 1000, 1000, 10], "fault-rate": 1e-3 },
 *   "runs": [
 *     { "label": "codenet", "strategy": "codenet", "pr": 7, "qr": 5, "pc": 6, "qc": 4 },
 *     { "label": "replication", "strategy": "replication", "r": 2, "checkpoint-every": 5,
 *       "note": "short interval: at this rate r = 2 rolls back every ~10 iterations" }
 *   ],
 *   "attack": { "model": "additive", "campaigns": [{ "label": "grid", "code": "grid" }] },
 *   "model": { "checkpoint-seconds": 2, "rollback-seconds": 1 }
 * }
 * ```
 *
 * - `purpose` (required): one line; `name` (required): names the compare folder;
 * - `base`: `train` flags (lib/train/config.ts, kebab-case) shared by every run;
 * - `runs`: one object per strategy run: a unique `label` (names its folder and its line in the
 *   plots), an optional `series` (runs that differ only in fault rate share one theory curve
 *   and colour; default: the label), an optional one-line `note`, an optional `model`
 *   (overrides of the model section for this run), and `train` flags overriding `base`; `name`
 *   and `out` are compare's to set;
 * - `attack`: campaign flags shared by all campaigns, and optionally `campaigns`, a list of
 *   `{label, ...flag overrides}` (one campaign per entry; without it the section is one campaign);
 * - `model`: settings of the checkpointing model ({@link modelSchema}).
 *
 * `runs` is required unless `attack` is given. Every run is checked as `train` would check it
 * (flag values, combinations, code parameters against the layer widths). Unknown keys are
 * errors with the nearest valid key suggested. Problems are one-line UsageErrors naming the file.
 *
 * @module
 */

import { closest } from "../config/suggest.ts";
import { flagName, keyName, option, parseOptions, type Schema, type Values } from "../config/options.ts";
import { readJsonObject } from "../config/read-json.ts";
import { UsageError } from "../errors.ts";
import { type TrainConfig, trainSchema } from "./config.ts";
import { prepareTrainConfig } from "./prepare.ts";
import { layerCodeOfConfig } from "./strategy-exposure.ts";

/** Settings of the checkpointing model (the `model` section, and a run's `model` overrides). */
export const modelSchema = {
  faultRateRange: option.numberList({
    default: [1e-5, 1e-2],
    min: 0,
    exclusiveMin: true,
    max: 1,
    description: "lowest and highest per-node fault rate of the theory curves",
  }),
  faultRatePoints: option.int({
    default: 31,
    min: 2,
    description: "fault rates per theory curve (log-spaced)",
  }),
  iterationSeconds: option.number({
    default: 1,
    min: 0,
    exclusiveMin: true,
    description: "time T of one iteration (a run's model section sets its own)",
  }),
  checkpointSeconds: option.number({
    default: 1,
    min: 0,
    description: "time C of one checkpoint: verification pass and save",
  }),
  rollbackSeconds: option.number({ default: 1, min: 0, description: "time R of one roll-back" }),
  time: option.string<"wall" | "modelled">({
    default: "wall",
    choices: ["wall", "modelled"],
    description: "which measured time of compare.csv the model is compared with",
  }),
};

/** Resolved model settings. */
export type ModelSettings = Values<typeof modelSchema>;

/** A validated run. */
export interface ExperimentRun {
  readonly label: string;
  /** The plot series (theory curve) the run belongs to: `series`, default the label. */
  readonly series: string;
  readonly note?: string;
  /** The train flags as given (base and overrides merged, kebab-case): a `train --config` object. */
  readonly flags: Readonly<Record<string, unknown>>;
  /** The resolved training configuration (as `train` would run it; `name` = label). */
  readonly config: TrainConfig;
  /** The model settings for this run (section, then the run's overrides). */
  readonly model: ModelSettings;
}

/** A validated attack campaign. */
export interface AttackCampaign {
  readonly label: string;
  /** Its flags (shared ones, then the campaign's), kebab-case. */
  readonly flags: Readonly<Record<string, unknown>>;
}

/** A validated experiment config. */
export interface ExperimentConfig {
  readonly purpose: string;
  readonly name: string;
  readonly runs: readonly ExperimentRun[];
  readonly campaigns: readonly AttackCampaign[];
  readonly model: ModelSettings;
  /** The file's object as read (for compare.json). */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Options of {@link validateExperiment}. */
export interface ValidateOptions {
  /** The `attack` schema, to check campaign flags like `train` flags (else only their shape). */
  readonly attackSchema?: Schema;
}

const TOP_KEYS = ["purpose", "name", "base", "runs", "attack", "model"];
const RUN_KEYS = ["label", "series", "note", "model"];
/** Flags a config file may set (kebab-case). */
const TRAIN_FLAGS = Object.keys(trainSchema).filter((k) =>
  !trainSchema[k as keyof typeof trainSchema].cliOnly
)
  .map(flagName);
const RESERVED_FLAGS: Record<string, string> = {
  name: "compare names each run after its label",
  out: "compare puts each run in <compare folder>/<label>",
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function unknownKey(where: string, key: string, valid: readonly string[]): UsageError {
  const hint = closest(key, valid);
  return new UsageError(`${where}: unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
}

function oneLine(where: string, v: unknown, max: number): string {
  if (typeof v !== "string" || v.trim() === "" || /[\r\n]/.test(v) || v.length > max) {
    throw new UsageError(`${where}: expected one non-empty line of text (at most ${max} characters)`);
  }
  return v;
}

function folderName(where: string, v: unknown): string {
  if (typeof v !== "string" || !/^[A-Za-z0-9._-]+$/.test(v) || v.startsWith(".")) {
    throw new UsageError(
      `${where}: use letters, digits, ".", "_" and "-" only (it names a folder), got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/** Re-throws a UsageError from a nested check with `where` in front. */
function within<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${where}: ${e.message}`);
    throw e;
  }
}

function modelSettings(where: string, base: Record<string, unknown>, extra: unknown): ModelSettings {
  if (extra !== undefined && !isObject(extra)) throw new UsageError(`${where}: expected an object`);
  const values = parseOptions(modelSchema, [], { ...base, ...(extra ?? {}) }, where).values;
  const [lo, hi] = values.faultRateRange;
  if (values.faultRateRange.length !== 2 || !(lo < hi)) {
    throw new UsageError(`${where}: key "fault-rate-range": give two rates, lowest first, e.g. [1e-5, 1e-2]`);
  }
  return values;
}

function validateRun(
  where: string,
  run: unknown,
  base: Record<string, unknown>,
  modelBase: Record<string, unknown>,
): ExperimentRun {
  if (!isObject(run)) throw new UsageError(`${where}: expected an object {"label": …, train flags…}`);
  const label = folderName(`${where}: key "label"`, run.label);
  const at = `${where} ("${label}")`;
  const note = run.note === undefined ? undefined : oneLine(`${at}: key "note"`, run.note, 200);
  const series = run.series === undefined ? label : oneLine(`${at}: key "series"`, run.series, 60);
  const overrides: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(run)) if (!RUN_KEYS.includes(k)) overrides[k] = v;
  for (const k of Object.keys(overrides)) {
    if (!TRAIN_FLAGS.includes(k)) throw unknownKey(at, k, [...RUN_KEYS, ...TRAIN_FLAGS]);
  }
  const flags = { ...base, ...overrides };
  for (const [k, why] of Object.entries(RESERVED_FLAGS)) {
    if (k in overrides) throw new UsageError(`${at}: key "${k}" is not allowed here (${why})`);
  }
  const parsed = parseOptions(trainSchema, [], flags, at);
  const explicit = new Set(Object.keys(flags).map(keyName));
  const config = within(at, () => prepareTrainConfig({ ...parsed.values, name: label }, explicit));
  within(at, () => {
    const code = layerCodeOfConfig(config);
    for (let l = 0; code !== undefined && l + 1 < config.layers.length; l++) {
      const [inputs, outputs] = [config.layers[l], config.layers[l + 1]];
      within(`layer ${l + 1} (${inputs} → ${outputs})`, () => code.layout(outputs, inputs));
    }
  });
  const model = modelSettings(`${at}: key "model"`, modelBase, run.model);
  return { label, series, note, flags, config, model };
}

function validateAttack(where: string, attack: unknown, schema: Schema | undefined): AttackCampaign[] {
  if (!isObject(attack)) throw new UsageError(`${where}: expected an object of campaign flags`);
  const { campaigns, ...shared } = attack;
  const list = campaigns === undefined ? [{ label: "attack" }] : campaigns;
  if (!Array.isArray(list) || list.length === 0) {
    throw new UsageError(`${where}: key "campaigns": expected a non-empty list of {"label": …, flags…}`);
  }
  const labels = new Set<string>();
  return list.map((c, i) => {
    const at = `${where}.campaigns[${i}]`;
    if (!isObject(c)) throw new UsageError(`${at}: expected an object {"label": …, flags…}`);
    const { label: rawLabel, ...own } = c;
    const label = folderName(`${at}: key "label"`, rawLabel);
    if (labels.has(label)) throw new UsageError(`${at}: label "${label}" is used twice`);
    labels.add(label);
    const flags = { ...shared, ...own };
    if (schema !== undefined) parseOptions(schema, [], flags, at);
    else {
      for (const [k, v] of Object.entries(flags)) {
        if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(k)) {
          throw new UsageError(`${at}: key "${k}" is not a flag name (lowercase words joined by "-")`);
        }
        const scalar = (x: unknown) => ["number", "string", "boolean"].includes(typeof x);
        if (!(scalar(v) || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number")))) {
          throw new UsageError(`${at}: key "${k}": expected a number, string, boolean or list of numbers`);
        }
      }
    }
    return { label, flags };
  });
}

/**
 * Checks an experiment object (as read from `file`) and resolves every run.
 *
 * @example
 * ```ts
 * import { readExperiment } from "./experiment-config.ts";
 * const exp = readExperiment("experiments/demo.json");
 * exp.runs.map((r) => r.config.strategy); // ["codenet", "replication", "uncoded"]
 * ```
 */
export function validateExperiment(
  raw: Record<string, unknown>,
  file: string,
  options: ValidateOptions = {},
): ExperimentConfig {
  for (const k of Object.keys(raw)) if (!TOP_KEYS.includes(k)) throw unknownKey(file, k, TOP_KEYS);
  if (raw.purpose === undefined) {
    throw new UsageError(`${file}: missing key "purpose" (one line: what it shows)`);
  }
  const purpose = oneLine(`${file}: key "purpose"`, raw.purpose, 300);
  if (raw.name === undefined) throw new UsageError(`${file}: missing key "name" (names the results folder)`);
  const name = folderName(`${file}: key "name"`, raw.name);
  const base = raw.base ?? {};
  if (!isObject(base)) throw new UsageError(`${file}: key "base": expected an object of train flags`);
  for (const [k, why] of Object.entries(RESERVED_FLAGS)) {
    if (k in base) throw new UsageError(`${file}: base: key "${k}" is not allowed here (${why})`);
  }
  parseOptions(trainSchema, [], base, `${file}: base`);
  const modelBase = raw.model ?? {};
  if (!isObject(modelBase)) throw new UsageError(`${file}: key "model": expected an object`);
  const model = modelSettings(`${file}: key "model"`, {}, modelBase);

  if (raw.runs === undefined && raw.attack === undefined) {
    throw new UsageError(`${file}: give "runs" (strategy runs), "attack" (campaigns), or both`);
  }
  const runsRaw = raw.runs ?? [];
  if (!Array.isArray(runsRaw) || (raw.runs !== undefined && runsRaw.length === 0)) {
    throw new UsageError(`${file}: key "runs": expected a non-empty list of {"label": …, train flags…}`);
  }
  const runs = runsRaw.map((r, i) => validateRun(`${file}: runs[${i}]`, r, base, modelBase));
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.label)) throw new UsageError(`${file}: run label "${r.label}" is used twice`);
    seen.add(r.label);
  }
  const campaigns = raw.attack === undefined
    ? []
    : validateAttack(`${file}: attack`, raw.attack, options.attackSchema);
  return { purpose, name, runs, campaigns, model, raw };
}

/** Reads and checks `experiments/<name>.json` (or any path). */
export function readExperiment(path: string, options: ValidateOptions = {}): ExperimentConfig {
  return validateExperiment(readJsonObject(path), path, options);
}
