/**
 * experiments/: every file validates (compare configs with the experiment validator, the older
 * `train --config` files with the train checks); paper.json is the authors' run; the validator
 * rejects what it should with one clear line.
 */

import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { option, parseOptions } from "../lib/config/options.ts";
import { readJsonObject } from "../lib/config/read-json.ts";
import { UsageError } from "../lib/errors.ts";
import { seriesOfRuns, theoryCurves } from "../lib/results/expected-time-data.ts";
import { modelledRuns, theoryRates } from "../lib/results/experiment-model.ts";
import { trainSchema } from "../lib/train/config.ts";
import { type ExperimentConfig, readExperiment, validateExperiment } from "../lib/train/experiment-config.ts";
import { prepareTrainConfig } from "../lib/train/prepare.ts";
import { exposureOfConfig } from "../lib/train/strategy-exposure.ts";
import { assert } from "./assert.ts";

const EXPERIMENTS = fileURLToPath(new URL("../experiments/", import.meta.url));
const files = [...Deno.readDirSync(EXPERIMENTS)].filter((e) => e.name.endsWith(".json")).map((e) => e.name)
  .sort();

function experiment(name: string): ExperimentConfig {
  return readExperiment(join(EXPERIMENTS, name));
}

Deno.test("experiments/: every file validates; compare configs are named after their file", () => {
  for (
    const f of ["paper.json", "paper-small.json", "demo.json", "tolerance.json", "checkpoint-model.json"]
  ) {
    assert.ok(files.includes(f), `experiments/${f} is missing`);
  }
  for (const f of files) {
    const path = join(EXPERIMENTS, f);
    const raw = readJsonObject(path);
    if ("runs" in raw || "attack" in raw) {
      const exp = readExperiment(path);
      assert.equal(exp.name, basename(f, ".json"), `${f}: name`);
      for (const r of exp.runs) assert.equal(r.config.name, r.label);
    } else {
      // A `train --config` file: the train flags and their combinations.
      const { values, sources } = parseOptions(trainSchema, [], raw, path);
      const explicit = new Set(
        Object.keys(sources).filter((k) => sources[k as keyof typeof sources] !== "default"),
      );
      prepareTrainConfig(values, explicit);
    }
  }
});

Deno.test("paper.json is the authors' run (DESIGN.md §1.5); paper-small differs only in hidden width", () => {
  const paper = experiment("paper.json");
  const [codenet, replication, uncoded] = paper.runs;
  const c = codenet.config;
  assert.deepEqual(c.layers, [784, 10000, 10000, 10]);
  assert.deepEqual(
    [c.dataset, c.normalize, c.batch, c.lr, c.rounds, c.roundSamples, c.testSamples, c.trainSamples],
    ["mnist", "128", 1, 0.005, 10, 200, 500, 2000],
  );
  assert.deepEqual([c.faultRate, c.faultDensity, c.faultSites], [3e-4, 0.005, "stored"]);
  assert.deepEqual([c.strategy, c.code, c.pr, c.qr, c.pc, c.qc], ["codenet", "grid", 7, 5, 6, 4]);
  assert.equal(exposureOfConfig(c).nodes, 38);
  assert.deepEqual([replication.config.strategy, replication.config.r], ["replication", 2]);
  assert.equal(exposureOfConfig(replication.config).nodes, 40);
  assert.deepEqual([uncoded.config.strategy, exposureOfConfig(uncoded.config).nodes], ["uncoded", 40]);

  const small = experiment("paper-small.json");
  assert.deepEqual(small.runs[0].config.layers, [784, 1000, 1000, 10]);
  const strip = (e: ExperimentConfig) =>
    e.runs.map((r) => ({ ...r.config, layers: [], name: r.label })).map((x) => JSON.stringify(x));
  assert.deepEqual(strip(small), strip(paper));
});

Deno.test("demo, tolerance and checkpoint-model configs: strategies, campaigns, model curves", () => {
  const demo = experiment("demo.json");
  assert.deepEqual(demo.runs.map((r) => r.config.strategy), ["codenet", "replication", "uncoded"]);
  assert.ok(
    demo.runs.every((r) => r.config.dataset === "mnist" && r.config.layers.join("-") === "784-1000-1000-10"),
  );

  const tolerance = experiment("tolerance.json");
  assert.equal(tolerance.runs.length, 0);
  assert.deepEqual(tolerance.campaigns.map((c) => c.label), [
    "grid",
    "polydot",
    "replication-2",
    "replication-3",
  ]);
  assert.deepEqual(tolerance.campaigns[0].flags, {
    model: "additive",
    errors: "0..3",
    trials: 3000,
    seed: 1,
    code: "grid",
    pr: 7,
    qr: 5,
    pc: 6,
    qc: 4,
  });

  const model = experiment("checkpoint-model.json");
  const runs = modelledRuns(model);
  const series = seriesOfRuns(runs);
  assert.deepEqual(series.map((s) => s.label), ["codenet", "replication r=2", "replication r=3"]);
  const curves = theoryCurves(series, theoryRates(model.model));
  assert.ok(curves.length > 31 * 3, `${curves.length} theory points`);
  assert.equal(new Set(curves.map((p) => p.fault_rate)).size, 31);
});

function rejects(raw: Record<string, unknown>, pattern: RegExp, options = {}): void {
  assert.throws(
    () => validateExperiment(raw, "x.json", options),
    (e: Error) => e instanceof UsageError && pattern.test(e.message) && !e.message.includes("\n"),
    `expected ${pattern}`,
  );
}

Deno.test("validator: unknown keys with suggestions, reserved flags, code parameters, one line each", () => {
  const run = { label: "codenet", strategy: "codenet" };
  const ok = {
    purpose: "a test",
    name: "t",
    base: { dataset: "synthetic", "train-samples": 100 },
    runs: [run],
  };
  validateExperiment(ok, "x.json");

  rejects({ ...ok, purpse: "x" }, /^x\.json: unknown key "purpse" \(did you mean "purpose"\?\)$/);
  rejects({ ...ok, purpose: undefined }, /missing key "purpose"/);
  rejects({ ...ok, purpose: "two\nlines" }, /key "purpose": expected one non-empty line/);
  rejects({ ...ok, name: "../up" }, /key "name": use letters, digits/);
  rejects(
    { ...ok, base: { "fault-rat": 0.1 } },
    /x\.json: base: unknown key "fault-rat" \(did you mean "fault-rate"\?\)/,
  );
  rejects({ ...ok, base: { out: "dir" } }, /base: key "out" is not allowed here \(compare puts each run/);
  rejects(
    { ...ok, runs: [{ ...run, lable: "y" }] },
    /runs\[0\] \("codenet"\): unknown key "lable" \(did you mean "label"\?\)/,
  );
  rejects({ ...ok, runs: [{ strategy: "codenet" }] }, /runs\[0\]: key "label": use letters/);
  rejects({ ...ok, runs: [run, run] }, /run label "codenet" is used twice/);
  rejects({ ...ok, runs: [{ ...run, lr: -1 }] }, /runs\[0\] \("codenet"\): key "lr": -1 is out of range/);
  rejects({ ...ok, runs: [{ ...run, qr: 8 }] }, /runs\[0\] \("codenet"\): .*qr/);
  rejects(
    { ...ok, runs: [{ label: "r", strategy: "replication", pr: 7 }] },
    /\("r"\): --pr is a flag of --strategy codenet/,
  );
  rejects(
    { ...ok, base: { ...ok.base, layers: [784, 3, 10] } },
    /\("codenet"\): layer 1 \(784 → 3\): a 3×784 matrix cannot be cut/,
  );
  rejects({ ...ok, runs: [] }, /key "runs": expected a non-empty list/);
  rejects({ purpose: "p", name: "n" }, /give "runs" \(strategy runs\), "attack" \(campaigns\), or both/);
  rejects(
    { ...ok, model: { "checkpoint-second": 1 } },
    /model": unknown key "checkpoint-second" \(did you mean "checkpoint-seconds"\?\)/,
  );
  rejects({ ...ok, model: { "fault-rate-range": [1e-2, 1e-5] } }, /give two rates, lowest first/);
  rejects({ ...ok, runs: [{ ...run, model: { time: "cpu" } }] }, /"cpu" is not one of wall, modelled/);
});

Deno.test("validator: attack campaigns, shape-checked or against the attack schema when given", () => {
  const attack = {
    model: "additive",
    campaigns: [{ label: "grid", code: "grid" }, { label: "rep", code: "replication" }],
  };
  const exp = validateExperiment({ purpose: "p", name: "n", attack }, "x.json");
  assert.deepEqual(exp.campaigns[1].flags, { model: "additive", code: "replication" });
  assert.deepEqual(
    validateExperiment({ purpose: "p", name: "n", attack: { trials: 5 } }, "x.json").campaigns,
    [
      { label: "attack", flags: { trials: 5 } },
    ],
  );
  rejects(
    { purpose: "p", name: "n", attack: { ...attack, campaigns: [{ label: "a" }, { label: "a" }] } },
    /used twice/,
  );
  rejects({ purpose: "p", name: "n", attack: { Trials: 5 } }, /key "Trials" is not a flag name/);
  rejects({ purpose: "p", name: "n", attack: { sites: { a: 1 } } }, /key "sites": expected a number, string/);
  const attackSchema = {
    code: option.string({ default: "grid", choices: ["grid", "replication"], description: "code" }),
    model: option.string({ default: "additive", description: "fault model" }),
    trials: option.int({ default: 100, min: 1, description: "trials" }),
  };
  validateExperiment({ purpose: "p", name: "n", attack }, "x.json", { attackSchema });
  rejects(
    { purpose: "p", name: "n", attack: { trial: 5 } },
    /unknown key "trial" \(did you mean "trials"\?\)/,
    {
      attackSchema,
    },
  );
});
