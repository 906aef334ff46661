/**
 * `codenet compare --config experiments/<name>.json [--out dir]`: runs the strategies of an
 * experiment (lib/train/experiment-config.ts) on the same data, initialisation and seed, and its
 * attack campaigns, and writes into one folder (default results/<name>-<UTC time>):
 *
 * - `<label>/`: each run's own run directory (config.json, env.json, metrics.csv, summary.json,
 *   faults.jsonl), and `attack/<label>/` for each campaign;
 * - `compare.csv` (one row per run and evaluation), `compare.json` (rows, runs, config, the
 *   checkpointing model's predictions), `README.md` (summary, model vs measurement, tolerance,
 *   plots);
 * - the plots: accuracy vs wall and vs modelled time, tolerance curves (with campaigns), expected
 *   time per useful iteration vs fault rate with the measured runs on it, each as `.svg` beside
 *   its `.vl.json`.
 *
 * compare.csv and compare.json are rewritten (atomically) after every run, so a stopped compare
 * keeps what finished. When everything is done it prints a table of the runs and the model's
 * prediction beside each measured time; progress goes to stderr.
 *
 * @module
 */

import { join } from "node:path";
import { option } from "../lib/config/options.ts";
import { UsageError } from "../lib/errors.ts";
import {
  type CompareRow,
  type CompareRun,
  writeCompareCsv,
  writeCompareJson,
} from "../lib/results/compare-csv.ts";
import { writeComparePlots } from "../lib/results/compare-plots.ts";
import { predictionTable, writeCompareReadme } from "../lib/results/compare-readme.ts";
import { compareRowsOfMetrics } from "../lib/results/compare-rows.ts";
import { compareTable } from "../lib/results/compare-table.ts";
import { predictRuns } from "../lib/results/expected-time-data.ts";
import { modelledRuns, theoryRates } from "../lib/results/experiment-model.ts";
import { calibrateRun } from "../lib/results/model-calibration.ts";
import type { ProgressMode } from "../lib/results/progress.ts";
import { createRunDirectory } from "../lib/results/run-directory.ts";
import type { ToleranceRow } from "../lib/results/tolerance-csv.ts";
import { type ExperimentConfig, readExperiment } from "../lib/train/experiment-config.ts";
import { runTraining } from "../lib/train/run.ts";
import { checkSameSetup } from "../lib/train/same-setup.ts";
import { kernelsNamed } from "../lib/train/kernels-choice.ts";
import { attackSchema } from "./attack.ts";
import type { Command } from "./command.ts";
import { runAttackCampaign } from "./compare-attack.ts";

/** The `compare` flags. */
export const compareSchema = {
  config: option.string<string | undefined>({
    default: undefined,
    description: "the experiment to run: experiments/<name>.json (required)",
    placeholder: "file",
    cliOnly: true,
  }),
  out: option.string<string | undefined>({
    default: undefined,
    description: "results folder (default: results/<experiment name>-<UTC time>)",
    placeholder: "dir",
  }),
  progress: option.string<ProgressMode>({
    default: "auto",
    choices: ["auto", "line", "plain", "none"],
    description: "progress on stderr: a redrawn line, plain lines, or nothing (auto: line on a TTY)",
    cliOnly: true,
  }),
  debug: option.boolean({ default: false, description: "print stack traces of errors", cliOnly: true }),
};

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** The experiment of `--config`, checked whole before anything runs. */
function experimentOf(file: string | undefined): ExperimentConfig {
  if (file === undefined) {
    throw new UsageError("--config is required: the experiment to run, e.g. --config experiments/demo.json");
  }
  const experiment = readExperiment(file, { attackSchema });
  if (experiment.runs.length > 0) checkSameSetup(experiment, file);
  return experiment;
}

/** The model's note in the README and on the terminal. */
function modelNote(time: string): string {
  return `Measured: ${time} time. The model's costs are in each run's own time unit: the iteration time T ` +
    "is fitted so that the run's iterations (useful and lost), checkpoints and roll-backs explain its " +
    "measured time with the config's ratios C/T and R/T; what is compared is the overhead per useful iteration. " +
    "Simulated (program): the same fault model simulated the way the node program handles it (blocks found " +
    "corrupted are rebuilt at the end of the iteration, and a rebuild that reads a peer struck since that " +
    "peer's own read rolls back), which the closed form leaves out; ∞: no segment succeeded in the simulation.";
}

/** The `compare` command. */
export const compareCommand: Command<typeof compareSchema> = {
  name: "compare",
  summary: "run several strategies on the same data, seed and faults; compare.csv, plots and the model",
  configIsInput: true,
  examples: [
    "deno task cli compare --config experiments/demo.json",
    "deno task cli compare --config experiments/checkpoint-model.json --out results/checkpoint-model",
    "deno task demo",
    "deno task experiment paper-small",
  ],
  schema: compareSchema,
  async run(values) {
    const experiment = experimentOf(values.config);
    if (values.out !== undefined && (await exists(join(values.out, "compare.json")))) {
      throw new UsageError(
        `--out ${values.out}: already holds a compare (compare.json); choose another folder`,
      );
    }
    const dir = await createRunDirectory({ name: experiment.name, out: values.out });
    const quiet = values.progress === "none";
    const note = (text: string) => quiet || console.error(`compare: ${text}`);
    const started = performance.now();
    note(
      `${experiment.name}: ${experiment.runs.length} run(s), ${experiment.campaigns.length} attack campaign(s) → ${dir}`,
    );

    const runs: CompareRun[] = [];
    const rows: CompareRow[] = [];
    const document = () => ({
      name: experiment.name,
      purpose: experiment.purpose,
      config: experiment.raw,
      runs,
      rows,
    });
    for (const [i, run] of experiment.runs.entries()) {
      note(
        `[${i + 1}/${experiment.runs.length}] ${run.label}: ${run.config.strategy}${
          run.note ? ` (${run.note})` : ""
        }`,
      );
      const t0 = performance.now();
      const outcome = await runTraining({ ...run.config, out: join(dir, run.label) }, {
        kernels: await kernelsNamed(run.config.kernels),
        progress: values.progress,
      });
      const metrics = join(outcome.dir, "metrics.csv");
      rows.push(
        ...compareRowsOfMetrics(await Deno.readTextFile(metrics), {
          label: run.label,
          strategy: run.config.strategy,
          faultRate: run.config.faultRate,
        }, metrics),
      );
      runs.push({ label: run.label, directory: run.label, summary: outcome.summary });
      await writeCompareCsv(join(dir, "compare.csv"), rows);
      await writeCompareJson(join(dir, "compare.json"), document());
      note(
        `${run.label} ${outcome.summary.status}: test accuracy ${
          outcome.summary.final_test_accuracy.toFixed(4)
        } in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }

    const tolerance: ToleranceRow[] = [];
    const campaigns: { label: string; directory: string }[] = [];
    for (const [i, campaign] of experiment.campaigns.entries()) {
      note(`attack campaign [${i + 1}/${experiment.campaigns.length}] ${campaign.label}`);
      const c = await runAttackCampaign(dir, campaign, values.progress);
      tolerance.push(...c.rows);
      campaigns.push({ label: c.label, directory: c.directory });
    }

    const time = experiment.model.time;
    const modelled = modelledRuns(experiment).map((m, i) => {
      const last = rows.filter((r) => r.label === m.label).at(-1);
      const seconds = last === undefined ? null : time === "wall" ? last.wall_seconds : last.modelled_seconds;
      if (last === undefined || seconds === null) return m;
      const faults = runs[i].summary.faults as Record<string, number> | undefined;
      const costs = calibrateRun(m.costs, {
        seconds,
        iterations: last.iterations,
        iterationsLost: faults?.iterations_lost ?? 0,
        interval: m.interval,
        rollbacks: last.rollbacks,
        checkpoints: faults !== undefined,
      });
      return { ...m, costs };
    });
    const predictions = modelled.length > 0 ? predictRuns(modelled, rows, time) : [];
    note("writing plots");
    const plots = await writeComparePlots(dir, {
      rows,
      tolerance,
      model: modelled.length > 0 ? { runs: modelled, rates: theoryRates(experiment.model), time } : undefined,
    });
    const command = `deno task cli compare --config ${values.config}${
      values.out ? ` --out ${values.out}` : ""
    }`;
    await writeCompareCsv(join(dir, "compare.csv"), rows);
    await writeCompareJson(join(dir, "compare.json"), {
      ...document(),
      predictions,
      ...{
        campaigns,
        model: { time, calibrated_costs: Object.fromEntries(modelled.map((m) => [m.label, m.costs])) },
        seconds: (performance.now() - started) / 1000,
      },
    });
    await writeCompareReadme(join(dir, "README.md"), {
      name: experiment.name,
      purpose: experiment.purpose,
      command,
      runs,
      rows,
      predictions,
      modelNote: modelNote(time),
      tolerance,
      plots,
    });

    if (runs.length > 0) {
      console.log(`\n${experiment.name}: ${experiment.purpose}\n`);
      console.log(compareTable(runs, rows));
      console.log(`\nCheckpointing model's prediction beside the measurement (${modelNote(time)})\n`);
      console.log(predictionTable(predictions));
    }
    console.log(
      `\nresults: ${dir}  (compare.csv, compare.json, README.md, ${plots.map((p) => p.file).join(", ")}; ` +
        `in ${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
    return 0;
  },
};
