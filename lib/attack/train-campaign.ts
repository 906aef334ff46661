/**
 * The campaign engine of the training-run target: for every row (site, model, t or rate) it runs
 * `trials` short seeded training runs of the distributed strategy (codenet, replication or
 * uncoded over Workers, lib/strategies/distributed.ts) with the row's faults, and classifies each
 * against the fault-free run with the same training seed ({@link classifyTrainTrial}); outcome
 * counts get Clopper–Pearson 95 % intervals and the theory's bounds, as in the stage campaign.
 *
 * Trial k of a row trains with seed `train seed + (k mod trainSeeds)` (data, initial weights,
 * schedule and, for the grid code, the generator), and draws its faults from streams of the
 * campaign seed named after the row and the trial: with `--errors t`, one strike of t nodes at the
 * row's site in one stage of one iteration ({@link drawStrike}); with `--rate ρ`, every node draws
 * a fault with probability ρ at the site after every phase of every layer. The corruption is the
 * row's fault model, drawn from the node's fault stream seeded per trial.
 *
 * @module
 */

import { loadRunInputs } from "../train/run-inputs.ts";
import type { StageCode } from "../codes/stage.ts";
import type { FaultEvent, ForcedFault } from "../faults/injector.ts";
import { buildFaultModel } from "../faults/registry.ts";
import { isInjectedFault } from "../faults/worker-death.ts";
import type { FaultSite } from "../faults/sites.ts";
import type { MlpState } from "../nn/state.ts";
import { Rng, streamId } from "../random/rng.ts";
import { createDistributed, type DistributedOptions } from "../strategies/distributed.ts";
import { naiveKernels } from "../tensor/naive.ts";
import type { TrainConfig } from "../train/config.ts";
import type { Strategy, StrategyContext } from "../train/strategy.ts";
import { clopperPearson, type Interval } from "./interval.ts";
import { type Outcome, OUTCOMES } from "./outcome.ts";
import { type Theory, theoryFor } from "./theory.ts";
import {
  planTrainRows,
  type TrainCampaignConfig,
  type TrainRowPlan,
  type TrainTarget,
} from "./train-config.ts";
import { classifyTrainTrial, weightDifference } from "./train-outcome.ts";
import { drawStrike } from "./train-plan.ts";

/** The fault-free run of one training seed. */
export interface TrainReference {
  readonly seed: number;
  readonly seconds: number;
  readonly iterations: number;
  /** The strategy's counters (all zero for a sound strategy). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** One trial. */
export interface TrainTrialResult {
  readonly trial: number;
  readonly trainSeed: number;
  /** Seed of the nodes' fault streams. */
  readonly faultSeed: number;
  /** The strike placed (empty for rate rows and t = 0). */
  readonly plan: readonly ForcedFault[];
  /** Every fault injected, as the run's faults.jsonl holds them. */
  readonly faults: readonly FaultEvent[];
  /** The strategy's counters at the end (faults_injected, faults_corrected, rollbacks, …). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Relative weight difference to the fault-free run (NaN when unknown or non-finite). */
  readonly difference: number;
  readonly outcome: Outcome;
  readonly reason: string;
  readonly seconds: number;
}

/** The counts of one row. */
export interface TrainRowResult extends TrainRowPlan {
  /** The fault model with its parameters. */
  readonly label: string;
  /** The stage whose bounds the theory columns use. */
  readonly P: number;
  readonly Q: number;
  readonly trials: number;
  readonly counts: Readonly<Record<Outcome, number>>;
  readonly intervals: Readonly<Record<Outcome, Interval>>;
  readonly theory: Theory;
  /** Faults injected over the row's trials. */
  readonly injected: number;
  /** Largest weight difference of a finished trial (0 if none). */
  readonly maxDifference: number;
  readonly seconds: number;
}

/** What a training campaign produced. */
export interface TrainCampaignResult {
  readonly config: TrainCampaignConfig;
  readonly target: TrainTarget;
  readonly references: readonly TrainReference[];
  /** The time budget the trials had. */
  readonly budgetSeconds: number;
  readonly rows: readonly TrainRowResult[];
}

/** Hooks of {@link runTrainCampaign}. */
export interface TrainCampaignHooks {
  /** Called after every trial. */
  onTrial?(row: TrainRowPlan, result: TrainTrialResult): void;
  /** Called after every run with the runs done and in total. */
  onProgress?(done: number, total: number, label: string): void;
}

/** Sites whose faults change a stage's coded symbols, where the coding theory applies. */
const SYMBOL_SITES: readonly FaultSite[] = ["product", "message", "stored"];

/** The stage with the least redundancy (the theory's worst case). */
function theoryStage(target: TrainTarget): StageCode {
  const { forward, backward } = target.code;
  return backward.P - backward.Q < forward.P - forward.Q ? backward : forward;
}

function theoryOf(target: TrainTarget, row: TrainRowPlan): Theory {
  const stage = theoryStage(target);
  const theory = theoryFor(
    stage,
    target.code.kind === "replication",
    target.config.decoder as "probabilistic" | "adversarial",
    "errors",
    row.t,
    0,
  );
  if (row.t !== undefined && row.t > 0 && !SYMBOL_SITES.includes(row.site)) {
    return { ...theory, expected: "no guarantee" };
  }
  return theory;
}

/** The data and schedule of one training seed. */
export async function contextOf(config: TrainConfig) {
  const { data, schedule } = await loadRunInputs(config);
  return { data, schedule };
}

/** What one run gave. */
interface RunResult {
  readonly state?: MlpState;
  readonly metrics: Readonly<Record<string, number>>;
  readonly faults: FaultEvent[];
  readonly diverged: boolean;
  readonly error?: string;
  readonly hung: boolean;
  readonly seconds: number;
}

function stalled(e: unknown): boolean {
  const name = (e as Error)?.name ?? "";
  const message = (e as Error)?.message ?? String(e);
  return name === "NodeTimeout" || name === "BarrierTimeout" || /no answer within/.test(message);
}

/** Trains `config` for its whole schedule within `budget` seconds and exports the weights. */
async function trainOnce(
  config: TrainConfig,
  prepared: Awaited<ReturnType<typeof contextOf>>,
  options: DistributedOptions,
  budget: number,
): Promise<RunResult> {
  const faults: FaultEvent[] = [];
  const context: StrategyContext = {
    config,
    kernels: naiveKernels,
    train: prepared.data.train,
    test: prepared.data.test,
    schedule: prepared.schedule,
    onFaults: (events) => faults.push(...events.filter(isInjectedFault)),
  };
  const start = performance.now();
  let strategy: Strategy | undefined;
  let abandoned = false;
  const work = (async () => {
    strategy = await createDistributed(context, options);
    if (abandoned) {
      await strategy.close();
      return undefined;
    }
    const span = await strategy.train(0, prepared.schedule.totalIterations);
    const state = span.diverged ? undefined : await strategy.exportState();
    return { state, diverged: span.diverged, metrics: strategy.metrics() };
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    if (Number.isFinite(budget)) timer = setTimeout(() => resolve("timeout"), budget * 1000);
  });
  try {
    const r = await Promise.race([work, timeout]);
    const seconds = (performance.now() - start) / 1000;
    if (r === "timeout" || r === undefined) {
      abandoned = true;
      work.catch(() => {}); // the pool's close rejects the pending request
      return {
        metrics: (strategy as Strategy | undefined)?.metrics() ?? {},
        faults,
        diverged: false,
        hung: true,
        error: `no result within the budget of ${budget.toPrecision(3)} s`,
        seconds,
      };
    }
    return { ...r, faults, hung: false, seconds };
  } catch (e) {
    return {
      metrics: (strategy as Strategy | undefined)?.metrics() ?? {},
      faults,
      diverged: false,
      hung: stalled(e),
      error: ((e as Error)?.message ?? String(e)).split("\n")[0],
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    clearTimeout(timer);
    await (strategy as Strategy | undefined)?.close();
  }
}

/** Per-row outcome tally. */
export class TrainTally {
  readonly counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  trials = 0;
  injected = 0;
  maxDifference = 0;
  seconds = 0;

  /** Counts one trial. */
  add(r: TrainTrialResult): void {
    this.counts[r.outcome]++;
    this.trials++;
    this.injected += r.faults.length;
    if (Number.isFinite(r.difference)) this.maxDifference = Math.max(this.maxDifference, r.difference);
    this.seconds += r.seconds;
  }

  /** Clopper–Pearson 95 % interval of each outcome's rate. */
  intervals(): Record<Outcome, Interval> {
    return Object.fromEntries(
      OUTCOMES.map((o) => [o, clopperPearson(this.counts[o], this.trials)]),
    ) as Record<
      Outcome,
      Interval
    >;
  }
}

/** A training seed's data, schedule and fault-free run (what its trials are judged against). */
export interface TrainSeedRun {
  readonly prepared: Awaited<ReturnType<typeof contextOf>>;
  readonly reference: TrainReference;
  readonly state: MlpState;
}

/**
 * The fault-free runs of training seeds `train seed + k` for each `k` of `offsets` (throws if one
 * does not finish: there is nothing to judge its trials against).
 */
export async function referenceRuns(
  config: TrainCampaignConfig,
  target: TrainTarget,
  offsets: readonly number[],
  onDone?: (seed: number) => void,
): Promise<Map<number, TrainSeedRun>> {
  const runs = new Map<number, TrainSeedRun>();
  for (const k of offsets) {
    const seeded = { ...target.config, seed: target.config.seed + k, faultRate: 0 };
    const prepared = await contextOf(seeded);
    const r = await trainOnce(seeded, prepared, { forced: [] }, config.budgetSeconds ?? Infinity);
    if (r.state === undefined) {
      throw new Error(
        `the fault-free run with seed ${seeded.seed} did not finish: ${r.error ?? "it diverged"}; ` +
          `nothing to compare the trials with`,
      );
    }
    runs.set(k, {
      prepared,
      reference: {
        seed: seeded.seed,
        seconds: r.seconds,
        iterations: prepared.schedule.totalIterations,
        metrics: r.metrics,
      },
      state: r.state,
    });
    onDone?.(seeded.seed);
  }
  return runs;
}

/** The time budget of a trial: the campaign's, or 10× the slowest fault-free run (at least 60 s). */
export function trialBudget(config: TrainCampaignConfig, references: readonly TrainReference[]): number {
  return config.budgetSeconds ?? Math.max(60, 10 * Math.max(...references.map((r) => r.seconds)));
}

/** How the faults of one trial are placed. */
export interface TrialFaults {
  /** The strike recorded with the trial (empty for rate rows and t = 0). */
  readonly plan: readonly ForcedFault[];
  /** Seed of the nodes' fault streams. */
  readonly faultSeed: number;
  /** Faults the nodes place exactly (the plan, or a replay's recorded faults with their values). */
  readonly forced: readonly ForcedFault[];
  /** Per-node fault probability of the run (0 when the faults are all forced). */
  readonly rate: number;
}

/**
 * Runs trial `trial` of `row` on training seed run `run` with `faults` and judges it against the
 * fault-free run ({@link classifyTrainTrial}); every fault is recorded with its changed entries.
 */
export async function runTrainTrial(
  config: TrainCampaignConfig,
  target: TrainTarget,
  row: TrainRowPlan,
  trial: number,
  run: TrainSeedRun,
  budget: number,
  faults: TrialFaults,
): Promise<TrainTrialResult> {
  const seeded: TrainConfig = {
    ...target.config,
    seed: run.reference.seed,
    faultRate: faults.rate,
    // The schema types the flag by its default; any site list is valid here.
    faultSites: row.site as string as TrainConfig["faultSites"],
  };
  const r = await trainOnce(seeded, run.prepared, {
    forced: faults.forced,
    faultModel: { name: row.model, params: config.parameters },
    faultSeed: faults.faultSeed,
    recordChanges: true,
  }, budget);
  const difference = r.state ? weightDifference(r.state, run.state) : NaN;
  const { outcome, reason } = classifyTrainTrial({
    error: r.error,
    hung: r.hung,
    diverged: r.diverged,
    injected: r.faults.length,
    changed: r.faults.filter((f) => f.entries > 0).length,
    corrected: r.metrics.faults_corrected ?? 0,
    rollbacks: r.metrics.rollbacks ?? 0,
    difference,
    tolerance: config.weightTolerance,
  });
  return {
    trial,
    trainSeed: seeded.seed,
    faultSeed: faults.faultSeed,
    plan: faults.plan,
    faults: r.faults,
    metrics: r.metrics,
    difference,
    outcome,
    reason,
    seconds: r.seconds,
  };
}

/** The counts of a row from its tally (model label, theory stage and bounds). */
export function trainRowResult(
  config: TrainCampaignConfig,
  target: TrainTarget,
  row: TrainRowPlan,
  tally: TrainTally,
): TrainRowResult {
  const stage = theoryStage(target);
  return {
    ...row,
    label: buildFaultModel(row.model, config.parameters, target.config.dtype).label,
    P: stage.P,
    Q: stage.Q,
    trials: tally.trials,
    counts: tally.counts,
    intervals: tally.intervals(),
    theory: theoryOf(target, row),
    injected: tally.injected,
    maxDifference: tally.maxDifference,
    seconds: tally.seconds,
  };
}

/** The row label of progress lines. */
export function rowLabel(row: TrainRowPlan): string {
  return `${row.site} ${row.model} ${row.t !== undefined ? `t=${row.t}` : `rate=${row.rate}`}`;
}

/** Runs a validated training campaign; see the module documentation. */
export async function runTrainCampaign(
  config: TrainCampaignConfig,
  target: TrainTarget,
  hooks: TrainCampaignHooks = {},
): Promise<TrainCampaignResult> {
  const rows = planTrainRows(config);
  const total = config.trainSeeds + rows.length * config.trials;
  let done = 0;
  const offsets = Array.from({ length: config.trainSeeds }, (_, k) => k);
  const runs = await referenceRuns(
    config,
    target,
    offsets,
    (seed) => hooks.onProgress?.(++done, total, `fault-free run, seed ${seed}`),
  );
  const references = offsets.map((k) => runs.get(k)!.reference);
  const budget = trialBudget(config, references);
  const layers = target.config.layers.length - 1;
  const results: TrainRowResult[] = [];
  for (const row of rows) {
    const tally = new TrainTally();
    const planStream = streamId(`attack/${row.key}/plan`);
    const seedStream = streamId(`attack/${row.key}/fault-seed`);
    for (let trial = 0; trial < config.trials; trial++) {
      const run = runs.get(trial % config.trainSeeds)!;
      const faultSeed = new Rng(config.seed, seedStream, trial).nextUint32();
      const plan = row.t !== undefined && row.t > 0
        ? drawStrike(
          target.code,
          layers,
          run.prepared.schedule.totalIterations,
          row.site,
          row.t,
          new Rng(config.seed, planStream, trial * 64),
        )
        : [];
      const result = await runTrainTrial(config, target, row, trial, run, budget, {
        plan,
        faultSeed,
        forced: plan,
        rate: row.rate ?? 0,
      });
      tally.add(result);
      hooks.onTrial?.(row, result);
      hooks.onProgress?.(++done, total, rowLabel(row));
    }
    results.push(trainRowResult(config, target, row, tally));
  }
  return { config, target, references, budgetSeconds: budget, rows: results };
}
