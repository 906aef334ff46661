/**
 * A whole training run: pick the strategy, load the data, create the run directory with
 * `config.json` and `env.json`, run the loop (each evaluation rewrites `metrics.csv`), then write
 * `summary.json`. Everything that can be refused (an unavailable strategy, sample counts, an
 * occupied `--out`, a run that would not fit in memory) is refused before any training starts.
 *
 * At every `--checkpoint-every` iterations (and at the end) the strategy's verified checkpoint, the
 * loop's position and metrics rows and the faults so far go to `<run>/checkpoints`
 * (lib/train/checkpoint-store.ts). With `resume`, the run continues in its folder from the last
 * intact checkpoint (or from the start if it has none) and ends as the uninterrupted run would.
 *
 * @example
 * ```ts
 * import { runTraining } from "./run.ts";
 * // const { dir, summary } = await runTraining(config, { kernels: naiveKernels, progress: "auto" });
 * ```
 *
 * @module
 */

import { loadRunInputs } from "./run-inputs.ts";
import { join } from "node:path";
import { writeJsonAtomic } from "../io/atomic.ts";
import { configFileObject } from "../results/config-json.ts";
import { collectEnvironment } from "../results/environment.ts";
import { FaultLog } from "../results/fault-log.ts";
import { MetricsCsv } from "../results/metrics-csv.ts";
import { Progress, type ProgressMode } from "../results/progress.ts";
import { createRunDirectory } from "../results/run-directory.ts";
import { type RunSummary, writeSummary } from "../results/summary.ts";
import type { LoggedFault } from "../faults/worker-death.ts";
import { UsageError } from "../errors.ts";
import type { Kernels } from "../tensor/kernels.ts";
import { type TrainConfig, trainSchema } from "./config.ts";
import { CheckpointStore } from "./checkpoint-store.ts";
import { type LoopState, trainLoop } from "./loop.ts";
import { checkMemory } from "./memory-estimate.ts";
import { unusedKeys } from "./prepare.ts";
import { selectStrategy } from "./select-strategy.ts";

/** How to run. */
export interface RunOptions {
  /** Kernels for the products. */
  readonly kernels: Kernels;
  /** How to show progress on stderr. */
  readonly progress: ProgressMode;
  /** Run folder to continue (`--resume`); its config.json gave `config`. */
  readonly resume?: string;
  /**
   * Called once the start is known (the checkpoint continued from, or undefined for iteration 0),
   * before the strategy is built: the MPI transport's rank 0 tells the other ranks here.
   */
  readonly onStart?: (from: ResumePoint | undefined) => void | Promise<void>;
}

/** Where a resumed run continues: the loop's and the strategy's state at its checkpoint. */
export interface ResumePoint {
  readonly loop: LoopState;
  readonly strategy: Readonly<Record<string, unknown>>;
}

/** What a checkpoint's JSON header holds besides the strategy's state. */
interface CheckpointHeader {
  readonly format: 1;
  readonly started_at: string;
  readonly loop: LoopState;
  readonly faults: readonly LoggedFault[];
  readonly strategy: Readonly<Record<string, unknown>>;
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
  checkMemory(config);
  const { data, schedule } = await loadRunInputs(config);

  let started = new Date();
  let dir: string;
  let resumeFrom: Awaited<ReturnType<CheckpointStore["load"]>>;
  if (options.resume !== undefined) {
    dir = options.resume;
    if (await exists(join(dir, "summary.json"))) {
      throw new UsageError(
        `--resume ${dir}: the run already finished (summary.json is there); nothing to resume`,
      );
    }
    await removeStaleTemporaries(dir);
    resumeFrom = await new CheckpointStore(dir).load();
    for (const s of resumeFrom?.skipped ?? []) progress.note(`skipping damaged checkpoint ${s}`);
    if (resumeFrom) started = new Date((resumeFrom.content.header as unknown as CheckpointHeader).started_at);
    if (!(await exists(join(dir, "env.json")))) {
      await writeJsonAtomic(
        join(dir, "env.json"),
        await collectEnvironment(config.seed, kernels.name, started),
      );
    }
  } else {
    dir = await createRunDirectory({ name: config.name, out: config.out, time: started });
    await writeJsonAtomic(
      join(dir, "config.json"),
      configFileObject(trainSchema, config, ["out", ...unusedKeys(config)]),
    );
    await writeJsonAtomic(
      join(dir, "env.json"),
      await collectEnvironment(config.seed, kernels.name, started),
    );
  }
  const header = resumeFrom?.content.header as unknown as CheckpointHeader | undefined;
  progress.note(
    `${header ? `resuming at iteration ${header.loop.iteration}: ` : ""}training ${
      config.layers.join("-")
    } on ${data.train.count} ${config.dataset} samples, ${schedule.totalIterations} iterations → ${dir}`,
  );

  await options.onStart?.(header && { loop: header.loop, strategy: header.strategy });
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
    if (header && resumeFrom) {
      await strategy.restoreState({ header: header.strategy, sections: resumeFrom.content.sections });
      await metrics.restore(header.loop.rows);
      faults.add(header.faults);
      if (strategy.nodes > 1) await faults.save();
    }
    const store = new CheckpointStore(dir);
    if (resumeFrom) await store.load();
    const outcome = await trainLoop({
      strategy,
      schedule,
      progress,
      onEvaluation: async (row) => {
        await metrics.append(row);
        if (strategy.nodes > 1) await faults.save();
      },
      checkpointEvery: config.checkpointEvery,
      resume: header?.loop,
      onCheckpoint: async (loop) => {
        const state = await strategy.saveState();
        if (state === undefined) return;
        const saved: CheckpointHeader = {
          format: 1,
          started_at: started.toISOString(),
          loop,
          faults: faults.events,
          strategy: state.header,
        };
        await store.save(loop.iteration, { header: { ...saved }, sections: state.sections });
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

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Removes the temporary files an atomic write killed half-way left in a run folder. */
async function removeStaleTemporaries(dir: string): Promise<void> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".tmp")) await Deno.remove(join(dir, e.name)).catch(() => {});
  }
}
