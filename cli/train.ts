/**
 * `codenet train`: parses and checks the flags (lib/train/config.ts, lib/train/prepare.ts), runs
 * training (lib/train/run.ts) and prints where the results went with a short summary.
 *
 * @module
 */

import { parseOptions } from "../lib/config/options.ts";
import { readJsonObject } from "../lib/config/read-json.ts";
import { type TrainConfig, trainSchema } from "../lib/train/config.ts";
import { prepareTrainConfig } from "../lib/train/prepare.ts";
import { runTraining } from "../lib/train/run.ts";
import { selectStrategy } from "../lib/train/select-strategy.ts";
import { checkSampleCounts } from "../datasets/load.ts";
import { checkRunDirectory } from "../lib/results/run-directory.ts";
import { naiveKernels } from "../lib/tensor/naive.ts";
import type { Command } from "./command.ts";

/** Keys set by a flag or by the config file (not left at their defaults). */
function explicitKeys(argv: readonly string[], values: TrainConfig): Set<string> {
  const config = values.config === undefined ? {} : readJsonObject(values.config);
  const { sources } = parseOptions(trainSchema, argv, config, values.config);
  return new Set(Object.keys(sources).filter((k) => sources[k as keyof typeof sources] !== "default"));
}

/** The `train` subcommand. */
export const trainCommand: Command<typeof trainSchema> = {
  name: "train",
  summary: "train a network under a strategy (codenet, replication, uncoded) and a fault model",
  examples: [
    "deno task cli train --strategy uncoded --workers 1 --layers 784,256,256,10 --batch 64 --lr 0.1 --epochs 3",
    "deno task cli train --strategy uncoded --workers 1 --dataset synthetic --layers 784,32,10 --train-samples 2000 --test-samples 500 --batch 16 --lr 0.1",
    "deno task cli train --config experiments/reference-mnist.json --out results/my-run",
  ],
  schema: trainSchema,
  async check(values, argv) {
    const config = prepareTrainConfig(values, explicitKeys(argv, values));
    selectStrategy(config);
    checkSampleCounts(config.dataset, {
      trainSamples: config.trainSamples!,
      testSamples: config.testSamples,
    });
    await checkRunDirectory({ name: config.name!, out: config.out });
  },
  async run(values, argv) {
    const config = prepareTrainConfig(values, explicitKeys(argv, values));
    const { dir, summary } = await runTraining(config, { kernels: naiveKernels, progress: values.progress });
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
