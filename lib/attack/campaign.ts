/**
 * The campaign engine of the standalone stage target: for every row (stage, model, t or rate) it
 * prepares the attack, runs `trials` trials (data set `trial mod datasets`, the row's schedule
 * draws, the attack, extra erasures, decode, classify) and counts outcomes with Clopper–Pearson
 * 95 % intervals beside the theory's bounds. {@link replayCampaign} re-runs recorded injections
 * through the same machinery. Synchronous and allocation-light: long campaigns report progress
 * through a hook.
 *
 * @example
 * ```ts
 * import { runCampaign } from "./campaign.ts";
 * import { validateCampaign } from "./config.ts";
 * // const result = runCampaign(validateCampaign(config), { onTrial: (row, trial, r) => log(r) });
 * // result.rows[1].counts.corrected; // 3000 for additive faults at t = 1 in a (7,5) stage
 * ```
 *
 * @module
 */

import { Rng } from "../random/rng.ts";
import type { StageAttack } from "../faults/stage-attack.ts";
import { type CampaignConfig, planRows, type RowPlan, type StageName, stageOf } from "./config.ts";
import { buildCampaign } from "./config.ts";
import { clopperPearson, type Interval } from "./interval.ts";
import { type Outcome, OUTCOMES } from "./outcome.ts";
import { RowDraws } from "./schedule.ts";
import { StageData } from "./stage-data.ts";
import { StageRunner, type SymbolInjection, type TrialResult } from "./stage-runner.ts";
import { type FaultKind, type Theory, theoryFor } from "./theory.ts";

/** The tolerance a stage's trials were decoded with (data set 0; the others differ in scale only). */
export interface StageTolerance {
  readonly epsilon: number;
  /** Smallest and largest `scale` over the data sets. */
  readonly scale: readonly [number, number];
  /** Per symbol: errors above this in one entry are always detected (data set 0). */
  readonly detect: readonly number[];
  /** The decoder's stated accuracy of a clean decode (data set 0). */
  readonly output: number;
}

/** One stage of a campaign result. */
export interface StageSummary {
  readonly name: StageName;
  readonly P: number;
  readonly Q: number;
  readonly length: number;
  readonly tolerance: StageTolerance;
}

/** The counts of one row. */
export interface RowResult extends RowPlan {
  readonly label: string;
  readonly P: number;
  readonly Q: number;
  readonly erasures: number;
  /** Trials run (0 when skipped). */
  readonly trials: number;
  readonly counts: Readonly<Record<Outcome, number>>;
  /** Clopper–Pearson 95 % interval of each outcome's rate. */
  readonly intervals: Readonly<Record<Outcome, Interval>>;
  readonly theory: Theory;
  /** Why the row could not run (e.g. no in-span error of that weight); absent otherwise. */
  readonly skipped?: string;
  /** Wall time of the row's trials and of their decodes alone. */
  readonly seconds: number;
  readonly decodeSeconds: number;
  /** Per-node-rate rows: trials by number of faulty symbols. */
  readonly faultyHistogram?: readonly number[];
}

/** What a campaign produced. */
export interface CampaignResult {
  readonly config: CampaignConfig;
  readonly stages: readonly StageSummary[];
  readonly rows: readonly RowResult[];
}

/** Hooks of {@link runCampaign}. */
export interface CampaignHooks {
  /** Called after every trial with the symbols the attack made faulty. */
  onTrial?(row: RowPlan, trial: number, result: TrialResult, faulty: readonly number[]): void;
  /** Called now and then with the trials done so far and in total. */
  onProgress?(done: number, total: number, label: string): void;
}

/** Counts outcomes of a row. */
class Tally {
  readonly counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  trials = 0;
  decodeSeconds = 0;

  add(r: TrialResult): void {
    this.counts[r.outcome]++;
    this.trials++;
    this.decodeSeconds += r.seconds;
  }

  intervals(): Record<Outcome, Interval> {
    return Object.fromEntries(
      OUTCOMES.map((o) => [o, clopperPearson(this.counts[o], this.trials)]),
    ) as Record<
      Outcome,
      Interval
    >;
  }
}

function faultKind(attack: StageAttack): FaultKind {
  if (attack.name === "crash") return "erasures";
  if (attack.name === "in-span" || attack.name === "colluding") return attack.name;
  return "errors";
}

/** The per-stage pieces shared by the campaign and the replay. */
function stagePieces(config: CampaignConfig) {
  const { code, attacks } = buildCampaign(config);
  const data = new Map<StageName, StageData>();
  const summaries: StageSummary[] = [];
  for (const name of config.stages) {
    const stage = stageOf(code, name);
    const d = new StageData(stage, {
      length: config.lengths[name],
      dtype: config.dtype,
      datasets: config.datasets,
      seed: config.seed,
      toleranceScale: config.toleranceScale,
    });
    data.set(name, d);
    const scales = d.tolerance.map((t) => t.scale);
    const report = stage.decoder({ length: 1, mode: config.mode }).report(d.tolerance[0]);
    summaries.push({
      name,
      P: stage.P,
      Q: stage.Q,
      length: config.lengths[name],
      tolerance: {
        epsilon: d.tolerance[0].epsilon,
        scale: [Math.min(...scales), Math.max(...scales)],
        detect: Array.from(report.detect),
        output: report.output,
      },
    });
  }
  const runner = (name: StageName, attack: StageAttack) =>
    new StageRunner(stageOf(code, name), data.get(name)!, {
      mode: config.mode,
      seed: config.seed,
      budgetSeconds: config.budgetSeconds,
      undetectable: attack.undetectable,
    });
  return { code, attacks, summaries, runner };
}

function rowResult(
  config: CampaignConfig,
  row: RowPlan,
  attack: StageAttack,
  pieces: ReturnType<typeof stagePieces>,
  tally: Tally,
  seconds: number,
  extra: { skipped?: string; faultyHistogram?: number[] },
): RowResult {
  const stage = stageOf(pieces.code, row.stage);
  return {
    ...row,
    label: attack.label,
    P: stage.P,
    Q: stage.Q,
    erasures: config.erasures,
    trials: tally.trials,
    counts: tally.counts,
    intervals: tally.intervals(),
    theory: theoryFor(
      stage,
      pieces.code.kind === "replication",
      config.mode,
      faultKind(attack),
      row.t,
      config.erasures,
    ),
    seconds,
    decodeSeconds: tally.decodeSeconds,
    ...(extra.skipped !== undefined ? { skipped: extra.skipped } : {}),
    ...(extra.faultyHistogram !== undefined ? { faultyHistogram: extra.faultyHistogram } : {}),
  };
}

/** Prepares a row's attack (seeded by the row); returns why it cannot run, or null. */
function prepareRow(
  config: CampaignConfig,
  row: RowPlan,
  attack: StageAttack,
  pieces: ReturnType<typeof stagePieces>,
): string | null {
  if (row.t === undefined) return null;
  const generator = stageOf(pieces.code, row.stage).generator;
  return attack.prepare(generator, row.t, Rng.named(config.seed, `attack/prepare/${row.key}`));
}

/** Runs a validated campaign; see the module documentation. */
export function runCampaign(config: CampaignConfig, hooks: CampaignHooks = {}): CampaignResult {
  const pieces = stagePieces(config);
  const rows = planRows(config);
  const total = rows.length * config.trials;
  const results: RowResult[] = [];
  let done = 0;
  for (const row of rows) {
    const attack = pieces.attacks.get(row.model)!;
    const stage = stageOf(pieces.code, row.stage);
    const tally = new Tally();
    const skipped = prepareRow(config, row, attack, pieces);
    if (skipped !== null) {
      results.push(rowResult(config, row, attack, pieces, tally, 0, { skipped }));
      done += config.trials;
      continue;
    }
    const runner = pieces.runner(row.stage, attack);
    const draws = new RowDraws(config.seed, row.key, {
      schedule: config.schedule,
      sequence: config.sequence,
      activity: config.activity,
      strikeProbability: attack.strikeProbability,
    });
    const histogram = row.rate !== undefined ? new Array<number>(stage.P + 1).fill(0) : undefined;
    const label = `${row.stage} ${row.model} ${row.t !== undefined ? `t=${row.t}` : `rate=${row.rate}`}`;
    const start = performance.now();
    for (let trial = 0; trial < config.trials; trial++) {
      const d = draws.at(trial);
      let faulty: number[] = [];
      const result = runner.run(trial % config.datasets, (target) => {
        let t = row.t ?? 0;
        if (row.rate !== undefined) {
          t = 0;
          for (let p = 0; p < stage.P; p++) if (d.nodes.bernoulli(row.rate)) t++;
        }
        faulty = attack.inject(target, t, d);
        const extra = Math.min(config.erasures, stage.P - faulty.length);
        if (extra > 0) {
          const healthy: number[] = [];
          for (let p = 0; p < stage.P; p++) if (!faulty.includes(p)) healthy.push(p);
          for (const i of d.nodes.sample(healthy.length, extra)) target.erase(healthy[i]);
        }
      });
      if (histogram) histogram[faulty.length]++;
      tally.add(result);
      hooks.onTrial?.(row, trial, result, faulty);
      if (++done % 64 === 0) hooks.onProgress?.(done, total, label);
    }
    const seconds = (performance.now() - start) / 1000;
    results.push(rowResult(config, row, attack, pieces, tally, seconds, { faultyHistogram: histogram }));
  }
  hooks.onProgress?.(total, total, "done");
  return { config, stages: pieces.summaries, rows: results };
}

/** One recorded trial to replay. */
export interface RecordedTrial {
  readonly row: number;
  readonly trial: number;
  readonly dataset: number;
  readonly injections: readonly SymbolInjection[];
  /** The symbols the attack made faulty (some may have been idle). */
  readonly faulty: readonly number[];
  /** The outcome recorded by the original run. */
  readonly outcome: Outcome;
}

/** A replayed trial whose outcome differs from the recorded one. */
export interface ReplayMismatch {
  readonly row: number;
  readonly trial: number;
  readonly recorded: Outcome;
  readonly replayed: Outcome;
}

/** What a replay produced: the campaign result of the replayed trials, and the differences. */
export interface ReplayResult extends CampaignResult {
  readonly replayed: number;
  readonly mismatches: readonly ReplayMismatch[];
}

/**
 * Re-runs recorded trials: the same data set, exactly the recorded entry values and erasures,
 * the same decoder; counts outcomes per row as {@link runCampaign} does and lists every trial
 * whose outcome differs from the recorded one. Throws if a recorded old value does not match
 * the data (the log belongs to other data or another code version).
 */
export function replayCampaign(
  config: CampaignConfig,
  trials: Iterable<RecordedTrial>,
  hooks: CampaignHooks = {},
): ReplayResult {
  const pieces = stagePieces(config);
  const rows = planRows(config);
  const tallies = rows.map(() => new Tally());
  const runners = rows.map((row) => pieces.runner(row.stage, pieces.attacks.get(row.model)!));
  const seconds = rows.map(() => 0);
  const mismatches: ReplayMismatch[] = [];
  let replayed = 0;
  for (const recorded of trials) {
    const row = rows[recorded.row];
    if (row === undefined) {
      throw new RangeError(`injection record for row ${recorded.row}, which the config lacks`);
    }
    const start = performance.now();
    const result = runners[recorded.row].run(recorded.dataset, (target) => {
      for (const inj of recorded.injections) {
        if (inj.erased) target.erase(inj.symbol);
        if (inj.entries.length === 0 && inj.erased) continue;
        const y = target.writable(inj.symbol);
        const sink = target.sink(inj.symbol);
        for (const e of inj.entries) {
          if (!Object.is(y[e.index], e.old) && !(Number.isNaN(e.old) && Number.isNaN(y[e.index]))) {
            throw new Error(
              `row ${recorded.row} trial ${recorded.trial}: symbol ${inj.symbol} entry ${e.index} holds ${
                y[e.index]
              }, the record says ${e.old} (another code version or data?)`,
            );
          }
          y[e.index] = e.new;
          sink(e);
        }
      }
    });
    seconds[recorded.row] += (performance.now() - start) / 1000;
    tallies[recorded.row].add(result);
    hooks.onTrial?.(row, recorded.trial, result, recorded.faulty);
    if (result.outcome !== recorded.outcome) {
      mismatches.push({
        row: row.index,
        trial: recorded.trial,
        recorded: recorded.outcome,
        replayed: result.outcome,
      });
    }
    if (++replayed % 64 === 0) hooks.onProgress?.(replayed, replayed, `replay ${row.stage} ${row.model}`);
  }
  const results = rows.map((row, i) => {
    const attack = pieces.attacks.get(row.model)!;
    const skipped = prepareRow(config, row, attack, pieces) ?? undefined;
    return rowResult(config, row, attack, pieces, tallies[i], seconds[i], { skipped });
  });
  return { config, stages: pieces.summaries, rows: results, replayed, mismatches };
}
