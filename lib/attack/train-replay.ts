/**
 * `attack --replay` of a training campaign: re-runs every recorded trial with the same training
 * seed and re-injects exactly the recorded faults (same node, iteration, layer, phase and site,
 * on the same pass when a roll-back re-ran the iteration, and the same changed entries with the same values, written by the nodes' injectors instead of a
 * drawn corruption), judges each trial against the fault-free run of its seed again, and lists
 * every trial whose outcome differs from the recorded one, or whose re-injected faults differ from
 * the recorded ones (a recorded old value the run does not hold there, a fault that never struck).
 *
 * Logs written before faults carried their changed entries are replayed by re-deriving the faults
 * from the recorded fault seed and strike (the campaign's own draw), and every re-injected fault
 * must then equal the recorded summary (entries changed, first index, old and new value, largest
 * change).
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { FaultEvent, ForcedFault } from "../faults/injector.ts";
import type { ReplayMismatch } from "./campaign.ts";
import {
  referenceRuns,
  rowLabel,
  runTrainTrial,
  type TrainCampaignHooks,
  type TrainCampaignResult,
  trainRowResult,
  TrainTally,
  trialBudget,
} from "./train-campaign.ts";
import { planTrainRows, type TrainCampaignConfig, type TrainTarget } from "./train-config.ts";
import type { RecordedTrainFault, RecordedTrainTrial } from "./train-injection-log.ts";

/** A replayed training trial that differs from the record. */
export interface TrainReplayMismatch extends ReplayMismatch {
  /** The first re-injected fault that differs from the recorded one; absent if the faults agree. */
  readonly faults?: string;
}

/** What a training replay produced: the counts of the replayed trials, and the differences. */
export interface TrainReplayResult extends TrainCampaignResult {
  readonly replayed: number;
  readonly mismatches: readonly TrainReplayMismatch[];
}

/** Whether a trial's recorded faults carry every changed entry (so they can be written back). */
export function hasRecordedValues(trial: RecordedTrainTrial): boolean {
  return trial.faults.every((f) => f.changes !== undefined);
}

/**
 * Checks recorded trials against their (validated) campaign before anything runs: rows, training
 * seeds, nodes and layers that exist (UsageError naming the trial otherwise).
 */
export function checkRecordedTrainTrials(
  config: TrainCampaignConfig,
  target: TrainTarget,
  trials: readonly RecordedTrainTrial[],
  file: string,
): void {
  const rows = planTrainRows(config);
  const nodes = target.code.nodes;
  const layers = target.config.layers.length - 1;
  for (const t of trials) {
    const at = `${file}: row ${t.row} trial ${t.trial}`;
    if (rows[t.row] === undefined) throw new UsageError(`${at}: the campaign header has ${rows.length} rows`);
    const k = t.trainSeed - target.config.seed;
    if (!(k >= 0 && k < config.trainSeeds)) {
      throw new UsageError(
        `${at}: training seed ${t.trainSeed} is not one of the campaign's (${target.config.seed}..${
          target.config.seed + config.trainSeeds - 1
        })`,
      );
    }
    for (const f of [...t.plan, ...t.faults]) {
      if (f.node >= nodes) throw new UsageError(`${at}: node ${f.node}, the run has ${nodes} nodes`);
      if (f.layer >= layers) {
        throw new UsageError(`${at}: layer ${f.layer}, the network has ${layers} layers`);
      }
    }
  }
}

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function place(f: Pick<FaultEvent, "iteration" | "layer" | "phase" | "site" | "attempt">): string {
  const pass = f.attempt !== undefined && f.attempt > 0 ? ` (pass ${f.attempt + 1})` : "";
  return `iteration ${f.iteration} layer ${f.layer} ${f.phase} ${f.site}${pass}`;
}

function byNode<T extends { readonly node: number }>(faults: readonly T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const f of faults) {
    const list = map.get(f.node);
    if (list === undefined) map.set(f.node, [f]);
    else list.push(f);
  }
  return map;
}

/** How one re-injected fault differs from the recorded one, or undefined if it does not. */
function faultDifference(
  recorded: RecordedTrainFault,
  replayed: FaultEvent,
  exact: boolean,
): string | undefined {
  if (place(recorded) !== place(replayed)) {
    return `recorded at ${place(recorded)}, struck at ${place(replayed)}`;
  }
  if (exact) {
    // A recorded entry whose old and new value agree (no bits) changes nothing when written back.
    const a = recorded.changes!.filter((c) =>
      c.bits !== undefined ? c.bits.length > 0 : !Object.is(c.old, c.new)
    );
    const b = replayed.changes ?? [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      if (x === undefined || y === undefined) {
        return `recorded ${a.length} changed entries, the replay changed ${b.length}`;
      }
      if (x.index !== y.index || !sameNumber(x.old, y.old) || !sameNumber(x.new, y.new)) {
        return `entry ${x.index}: recorded ${x.old} → ${x.new}, replayed entry ${y.index}: ${y.old} → ${y.new}`;
      }
    }
    return undefined;
  }
  const fields = ["entries", "index", "old", "new", "maxAbsDelta"] as const;
  const field = fields.find((k) => !sameNumber(recorded[k], replayed[k]));
  if (field === undefined) return undefined;
  return `${field}: recorded ${recorded[field]}, re-derived ${replayed[field]}`;
}

/**
 * The first difference between recorded and re-injected faults (compared node by node, in the
 * order they struck), or undefined if they agree.
 */
function faultsDifference(
  recorded: readonly RecordedTrainFault[],
  replayed: readonly FaultEvent[],
  exact: boolean,
): string | undefined {
  const a = byNode(recorded);
  const b = byNode(replayed);
  const nodes = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  for (const node of nodes) {
    const x = a.get(node) ?? [];
    const y = b.get(node) ?? [];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      if (x[i] === undefined) return `node ${node}: an unrecorded fault struck at ${place(y[i])}`;
      if (y[i] === undefined) return `node ${node}: the recorded fault at ${place(x[i])} never struck`;
      const d = faultDifference(x[i], y[i], exact);
      if (d !== undefined) return `node ${node} fault ${i + 1}: ${d}`;
    }
  }
  return undefined;
}

/** The replayed events with the recorded `forced` flags (a written-back fault is always planned). */
function withRecordedFlags(recorded: readonly RecordedTrainFault[], replayed: readonly FaultEvent[]) {
  const flags = byNode(recorded);
  const seen = new Map<number, number>();
  return replayed.map((f) => {
    const i = seen.get(f.node) ?? 0;
    seen.set(f.node, i + 1);
    const r = flags.get(f.node)?.[i];
    return r === undefined ? f : { ...f, forced: r.forced };
  });
}

/** The faults a recorded trial's nodes are forced to inject: every fault with its recorded entries. */
function recordedForced(trial: RecordedTrainTrial): ForcedFault[] {
  return trial.faults.map((f) => ({
    iteration: f.iteration,
    layer: f.layer,
    phase: f.phase,
    node: f.node,
    site: f.site,
    ...(f.attempt !== undefined ? { attempt: f.attempt } : {}),
    values: f.changes!.map((c) => ({ index: c.index, new: c.new, ...(c.bits ? { bits: c.bits } : {}) })),
  }));
}

/**
 * Re-runs recorded trials of a validated campaign (checked with {@link checkRecordedTrainTrials});
 * see the module documentation. Hooks see every replayed trial as the campaign's would.
 */
export async function replayTrainCampaign(
  config: TrainCampaignConfig,
  target: TrainTarget,
  trials: readonly RecordedTrainTrial[],
  hooks: TrainCampaignHooks = {},
): Promise<TrainReplayResult> {
  const rows = planTrainRows(config);
  const offsets = [...new Set(trials.map((t) => t.trainSeed - target.config.seed))].sort((a, b) => a - b);
  const total = offsets.length + trials.length;
  let done = 0;
  const runs = await referenceRuns(
    config,
    target,
    offsets,
    (seed) => hooks.onProgress?.(++done, total, `fault-free run, seed ${seed}`),
  );
  const references = offsets.map((k) => runs.get(k)!.reference);
  const budget = trialBudget(config, references);
  const tallies = rows.map(() => new TrainTally());
  const mismatches: TrainReplayMismatch[] = [];
  for (const recorded of trials) {
    const row = rows[recorded.row];
    const exact = hasRecordedValues(recorded);
    const run = runs.get(recorded.trainSeed - target.config.seed)!;
    const result = await runTrainTrial(config, target, row, recorded.trial, run, budget, {
      plan: recorded.plan,
      faultSeed: recorded.faultSeed,
      forced: exact ? recordedForced(recorded) : recorded.plan,
      rate: exact ? 0 : row.rate ?? 0,
    });
    const differs = faultsDifference(recorded.faults, result.faults, exact);
    const replayed = exact
      ? { ...result, faults: withRecordedFlags(recorded.faults, result.faults) }
      : result;
    tallies[recorded.row].add(replayed);
    hooks.onTrial?.(row, replayed);
    if (replayed.outcome !== recorded.outcome || differs !== undefined) {
      mismatches.push({
        row: row.index,
        trial: recorded.trial,
        recorded: recorded.outcome,
        replayed: replayed.outcome,
        ...(differs !== undefined ? { faults: differs } : {}),
      });
    }
    hooks.onProgress?.(++done, total, `replay ${rowLabel(row)}`);
  }
  return {
    config,
    target,
    references,
    budgetSeconds: budget,
    rows: rows.map((row, i) => trainRowResult(config, target, row, tallies[i])),
    replayed: trials.length,
    mismatches,
  };
}
