/**
 * A whole training run: pick the strategy, load the data, create the run directory with
 * `config.json` and `env.json`, run the loop (each evaluation rewrites `metrics.csv`), then write
 * `summary.json`. Everything that can be refused (an unavailable strategy, sample counts, an
 * occupied `--out`) is refused before any training starts.
 *
 * @example
 * ```ts
 * import { runTraining } from "./run.ts";
 * // const { dir, summary } = await runTraining(config, { kernels: naiveKernels, progress: "auto" });
 * ```
 *
 * @module
 */

import { join } from "node:path";
import { loadSplits } from "../../datasets/load.ts";
import { writeJsonAtomic } from "../io/atomic.ts";
import { configFileObject } from "../results/config-json.ts";
import { collectEnvironment } from "../results/environment.ts";
import { FaultLog } from "../results/fault-log.ts";
import { MetricsCsv } from "../results/metrics-csv.ts";
import { Progress, type ProgressMode } from "../results/progress.ts";
import { createRunDirectory } from "../results/run-directory.ts";
import { type RunSummary, writeSummary } from "../results/summary.ts";
import type { Kernels } from "../tensor/kernels.ts";
import { type TrainConfig, trainSchema } from "./config.ts";
import { trainLoop } from "./loop.ts";
import { unusedKeys } from "./prepare.ts";
import { Schedule } from "./schedule.ts";
import { selectStrategy } from "./select-strategy.ts";

/** How to run. */
export interface RunOptions {
  /** Kernels for the products. */
  readonly kernels: Kernels;
  /** How to show progress on stderr. */
  readonly progress: ProgressMode;
}

/** Where the run went and its summary (standard fields plus the strategy's). */
export interface RunOutcome {
  readonly dir: string;
  readonly summary: RunSummary & Readonly<Record<string, unknown>>;
}

/** Runs training for a configuration resolved by `prepareTrainConfig`. */
export async function runTraining(config: TrainConfig, options: RunOptions): Promise<RunOutcome> {
  const { kernels } = options;
  const factory = selectStrategy(config);
  const progress = new Progress(options.progress);
  const trainSamples = config.trainSamples;
  if (trainSamples === undefined || config.name === undefined) {
    throw new RangeError("runTraining needs a configuration resolved by prepareTrainConfig");
  }
  const data = await loadSplits(config.dataset, {
    seed: config.seed,
    trainSamples,
    testSamples: config.testSamples,
  });
  const schedule = new Schedule({
    seed: config.seed,
    poolSize: trainSamples,
    batch: config.batch,
    epochs: config.epochs,
    evalEvery: config.evalEvery,
    rounds: config.rounds,
    roundSamples: config.roundSamples,
  });

  const started = new Date();
  const dir = await createRunDirectory({
    name: config.name,
    out: config.out,
    time: started,
  });
  await writeJsonAtomic(
    join(dir, "config.json"),
    configFileObject(trainSchema, config, ["out", ...unusedKeys(config)]),
  );
  await writeJsonAtomic(join(dir, "env.json"), await collectEnvironment(config.seed, kernels.name, started));
  progress.note(
    `training ${
      config.layers.join("-")
    } on ${data.train.count} ${config.dataset} samples, ${schedule.totalIterations} iterations → ${dir}`,
  );

  const faults = new FaultLog(join(dir, "faults.jsonl"));
  const strategy = await factory({
    config,
    kernels,
    train: data.train,
    test: data.test,
    schedule,
    onProgress: (done) => progress.update({ done, total: schedule.totalIterations, label: "training" }),
    onFaults: (events) => faults.add(events),
  });
  try {
    const metrics = new MetricsCsv(join(dir, "metrics.csv"));
    const outcome = await trainLoop({
      strategy,
      schedule,
      progress,
      onEvaluation: async (row) => {
        await metrics.append(row);
        if (strategy.nodes > 1) await faults.save();
      },
    });
    const last = outcome.rows[outcome.rows.length - 1];
    const summary: RunSummary = {
      status: outcome.status,
      strategy: config.strategy,
      nodes: strategy.nodes,
      final_test_accuracy: last.test_accuracy!,
      final_test_loss: last.test_loss!,
      final_train_loss: last.train_loss ?? null,
      best_test_accuracy: outcome.rows.reduce((best, r) => Math.max(best, r.test_accuracy!), 0),
      wall_seconds: outcome.wallSeconds,
      train_seconds: outcome.trainSeconds,
      eval_seconds: outcome.evalSeconds,
      iterations: outcome.iterations,
      samples: outcome.samples,
      epochs: outcome.epochs,
      evaluations: outcome.rows.length,
      started_at: started.toISOString(),
      finished_at: new Date().toISOString(),
    };
    const extra = strategy.summary();
    await writeSummary(join(dir, "summary.json"), summary, extra);
    return { dir, summary: { ...summary, ...extra } };
  } finally {
    await strategy.close();
  }
}
