/**
 * A whole training campaign with its files: creates the results folder (`--out`, default
 * results/attack-train-<UTC>), streams `injections.jsonl` while the trials run, then writes
 * `tolerance.csv` and `attack.json` (see train-output.ts for the formats). `attack --train`
 * prints what it returns.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic.ts";
import { AtomicLineWriter } from "../io/atomic-stream.ts";
import { collectEnvironment } from "../results/environment.ts";
import { Progress, type ProgressMode } from "../results/progress.ts";
import { createRunDirectory } from "../results/run-directory.ts";
import { runTrainCampaign, type TrainCampaignHooks, type TrainCampaignResult } from "./train-campaign.ts";
import type { RecordedTrainTrial } from "./train-injection-log.ts";
import { replayTrainCampaign, type TrainReplayMismatch } from "./train-replay.ts";
import { planTrainRows, type TrainCampaignConfig, type TrainTarget } from "./train-config.ts";
import {
  formatTrainTable,
  trainAttackJson,
  trainHeaderLine,
  trainToleranceCsv,
  trainTrialLines,
} from "./train-output.ts";

/** Where and how to report. */
export interface TrainRunOptions {
  /** Results folder (default results/attack-train-<UTC time>); must not hold an attack run. */
  readonly out?: string;
  readonly progress: ProgressMode;
  /** Re-run these recorded trials (from `file`) instead of the campaign's. */
  readonly replay?: { readonly file: string; readonly trials: readonly RecordedTrainTrial[] };
}

/** The `replay` object of `attack.json`, as the stage replay writes it. */
export interface TrainReplaySummary {
  readonly source: string;
  readonly replayed: number;
  readonly mismatches: number;
  /** Mismatches whose re-injected faults differ from the recorded ones (whatever the outcome). */
  readonly fault_mismatches: number;
  readonly first_mismatches: readonly TrainReplayMismatch[];
}

/** What the campaign wrote. */
export interface TrainRunOutcome {
  readonly dir: string;
  readonly result: TrainCampaignResult;
  /** The `attack.json` object (what `--json` prints). */
  readonly json: ReturnType<typeof trainAttackJson>;
  /** The readable table. */
  readonly table: string;
  /** One line: which files went where, and how long it took. */
  readonly summary: string;
  /** With {@link TrainRunOptions.replay}: what the replay found. */
  readonly replay?: TrainReplaySummary;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs a validated training campaign and writes its files; see the module documentation. */
export async function runTrainAttack(
  config: TrainCampaignConfig,
  target: TrainTarget,
  options: TrainRunOptions,
): Promise<TrainRunOutcome> {
  if (options.out !== undefined && (await exists(join(options.out, "attack.json")))) {
    throw new UsageError(
      `--out ${options.out}: already holds an attack run (attack.json); choose another folder`,
    );
  }
  const replay = options.replay;
  const dir = await createRunDirectory({
    name: replay ? "attack-train-replay" : "attack-train",
    out: options.out,
  });
  const environment = await collectEnvironment(target.config.seed, "wasm (distributed nodes)");
  const log = AtomicLineWriter.open(join(dir, "injections.jsonl"));
  log.line(trainHeaderLine(config, planTrainRows(config)));
  const progress = new Progress(options.progress);
  const start = performance.now();
  let result: TrainCampaignResult;
  let replaySummary: TrainReplaySummary | undefined;
  const hooks: TrainCampaignHooks = {
    onTrial: (row, trial) => {
      for (const line of trainTrialLines(row, trial)) log.line(line);
    },
    onProgress: (done, total, what) => progress.update({ done, total, label: what }),
  };
  try {
    if (replay) {
      const r = await replayTrainCampaign(config, target, replay.trials, hooks);
      result = r;
      replaySummary = {
        source: replay.file,
        replayed: r.replayed,
        mismatches: r.mismatches.length,
        fault_mismatches: r.mismatches.filter((m) => m.faults !== undefined).length,
        first_mismatches: r.mismatches.slice(0, 20),
      };
    } else {
      result = await runTrainCampaign(config, target, hooks);
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
  const json = trainAttackJson(result, {
    out: dir,
    files,
    seconds,
    trials_per_second: trials / seconds,
    ...(replaySummary ? { replay: replaySummary } : {}),
    environment,
  });
  await writeFileAtomic(join(dir, "tolerance.csv"), trainToleranceCsv(result));
  await writeJsonAtomic(join(dir, "attack.json"), json);
  return {
    dir,
    result,
    json,
    table: formatTrainTable(result),
    summary: `wrote ${files.join(", ")} to ${dir} (${trials} training runs and ${result.references.length} ` +
      `fault-free in ${seconds.toFixed(1)} s)`,
    ...(replaySummary ? { replay: replaySummary } : {}),
  };
}
