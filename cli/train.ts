/**
 * `codenet train`: parses and checks the flags (lib/train/config.ts, lib/train/prepare.ts), runs
 * training (lib/train/run.ts) and prints where the results went with a short summary.
 *
 * @module
 */

import { join } from "node:path";
import { flagName, parseOptions } from "../lib/config/options.ts";
import { UsageError } from "../lib/errors.ts";
import { readJsonObject } from "../lib/config/read-json.ts";
import { type TrainConfig, trainSchema } from "../lib/train/config.ts";
import { prepareTrainConfig } from "../lib/train/prepare.ts";
import { runTraining } from "../lib/train/run.ts";
import { kernelsNamed } from "../lib/train/kernels-choice.ts";
import { resumeConfigOverMpi, runTrainingOverMpi } from "../lib/train/mpi-run.ts";
import { selectStrategy } from "../lib/train/select-strategy.ts";
import { checkSampleCounts } from "../datasets/load.ts";
import { checkRunDirectory } from "../lib/results/run-directory.ts";
import type { Command } from "./command.ts";

/** Keys set by a flag or by the config file (not left at their defaults). */
function explicitKeys(argv: readonly string[], values: TrainConfig): Set<string> {
  const config = values.config === undefined ? {} : readJsonObject(values.config);
  const { sources } = parseOptions(trainSchema, argv, config, values.config);
  return new Set(Object.keys(sources).filter((k) => sources[k as keyof typeof sources] !== "default"));
}

/**
 * Flags that may go with --resume (they do not change what is computed; both transports give the
 * same bits, so a run may continue on the other one).
 */
const RESUME_COMPATIBLE = new Set(["resume", "progress", "debug", "transport"]);

/**
 * The configuration of the run folder `dir` (its config.json, as `--config` would read it, with the
 * `--transport` flag if given), after refusing flags that would change it.
 */
function resumeConfig(argv: readonly string[], dir: string): TrainConfig {
  const { values, sources } = parseOptions(trainSchema, argv);
  const conflicting = Object.keys(sources).filter((k) =>
    sources[k as keyof typeof sources] === "flag" && !RESUME_COMPATIBLE.has(k)
  );
  if (conflicting.length > 0) {
    throw new UsageError(
      `--resume continues ${dir} with its own config.json; drop ${
        conflicting.map((k) => `--${flagName(k)}`).join(", ")
      } (or start a new run with --config ${join(dir, "config.json")})`,
    );
  }
  const path = join(dir, "config.json");
  try {
    Deno.statSync(path);
  } catch {
    throw new UsageError(`--resume ${dir}: no config.json there; give the folder of a run started by train`);
  }
  const file = readJsonObject(path);
  const parsed = parseOptions(trainSchema, [], file, path);
  const explicit = new Set(
    Object.keys(parsed.sources).filter((k) => parsed.sources[k as keyof typeof sources] !== "default"),
  );
  const transport = sources.transport === "flag" ? values.transport : parsed.values.transport;
  if (sources.transport === "flag") explicit.add("transport");
  return { ...prepareTrainConfig({ ...parsed.values, transport }, explicit), out: dir };
}

/** Whether the command line says `--transport mpi` (a resumed run's ranks then ask rank 0 for its config). */
function mpiByFlag(argv: readonly string[]): boolean {
  const { values, sources } = parseOptions(trainSchema, argv);
  return sources.transport === "flag" && values.transport === "mpi";
}

/** The `train` subcommand. */
export const trainCommand: Command<typeof trainSchema> = {
  name: "train",
  summary: "train a network under a strategy (codenet, replication, uncoded) and a fault model",
  examples: [
    "deno task cli train --strategy uncoded --workers 1 --layers 784,256,256,10 --batch 64 --lr 0.1 --epochs 3",
    "deno task cli train --strategy uncoded --workers 1 --dataset synthetic --layers 784,32,10 --train-samples 2000 --test-samples 500 --batch 16 --lr 0.1",
    "deno task cli train --config experiments/reference-mnist.json --out results/my-run",
    "deno task cli train --resume results/my-run",
  ],
  schema: trainSchema,
  async check(values, argv) {
    if (values.resume !== undefined) {
      resumeConfig(argv, values.resume);
      return;
    }
    const config = prepareTrainConfig(values, explicitKeys(argv, values));
    selectStrategy(config);
    checkSampleCounts(config.dataset, {
      trainSamples: config.trainSamples!,
      testSamples: config.testSamples,
    });
    await checkRunDirectory({ name: config.name!, out: config.out });
  },
  async run(values, argv) {
    const resume = values.resume;
    // Under mpirun with --transport mpi, only rank 0 reads the run folder (hosts may share no disk).
    const config = resume === undefined
      ? prepareTrainConfig(values, explicitKeys(argv, values))
      : mpiByFlag(argv)
      ? resumeConfigOverMpi(() => resumeConfig(argv, resume), values.debug)
      : resumeConfig(argv, resume);
    const kernels = await kernelsNamed(config.kernels);
    const options = { kernels, progress: values.progress, resume: values.resume };
    const outcome = config.transport === "mpi"
      ? await runTrainingOverMpi(config, options)
      : await runTraining(config, options);
    // Under MPI only rank 0 reports.
    if (outcome === undefined) return 0;
    const { dir, summary } = outcome;
    console.log(`results: ${dir}`);
    console.log(
      `${summary.strategy} (${summary.nodes} node${summary.nodes === 1 ? "" : "s"}), ${
        config.layers.join("-")
      }, ` +
        `${summary.iterations} iterations, ${summary.epochs.toFixed(2)} epochs, ${
          summary.wall_seconds.toFixed(1)
        } s`,
    );
    console.log(
      `test accuracy ${summary.final_test_accuracy.toFixed(4)}, test loss ${
        summary.final_test_loss.toFixed(4)
      }, ` +
        `train loss ${summary.final_train_loss?.toFixed(4) ?? "-"}`,
    );
    if (summary.status === "diverged") {
      console.error(
        `codenet train: error: training diverged: the loss or the weights became NaN or infinite at iteration ${summary.iterations} ` +
          `(a fault ${config.strategy} cannot correct, or try a smaller --lr); see ${dir}`,
      );
      return 1;
    }
    return 0;
  },
};
