/**
 * Reads back the `injections.jsonl` of a training campaign (written by train-output.ts) for
 * `attack --replay`: the header's campaign (train flags and campaign settings) and, per trial, its
 * row, training seed, fault seed, planned strike, every recorded fault and the recorded outcome.
 *
 * Faults written since the replay of training campaigns exists carry `changes` (every changed
 * entry with its old and new value), which the replay writes back exactly; older logs only hold a
 * summary of each fault (entries changed, the first one's index, old and new value, the largest
 * change), and their trials are re-derived from the recorded fault seed and strike instead.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { ForcedFault } from "../faults/injector.ts";
import type { EntryChange } from "../faults/model.ts";
import { type FaultSite, type Phase, PHASES } from "../faults/sites.ts";
import { FAULT_SITES } from "../train/config.ts";
import { entryChange, fail, INJECTION_LOG_VERSION, integer, number } from "./injection-log.ts";
import { type Outcome, OUTCOMES } from "./outcome.ts";
import type { TrainCampaignConfig } from "./train-config.ts";

/** One recorded fault of a training trial (a faults.jsonl event, with its changed entries if known). */
export interface RecordedTrainFault {
  readonly node: number;
  readonly iteration: number;
  readonly layer: number;
  readonly phase: Phase;
  readonly site: FaultSite;
  readonly forced: boolean;
  readonly entries: number;
  readonly index: number;
  readonly old: number;
  readonly new: number;
  readonly maxAbsDelta: number;
  /** Every changed entry (absent in logs written before training replays existed). */
  readonly changes?: readonly EntryChange[];
  /** Which visit of its place the fault struck on (0 first; absent in older logs). */
  readonly attempt?: number;
}

/** One recorded training trial. */
export interface RecordedTrainTrial {
  readonly row: number;
  readonly trial: number;
  readonly trainSeed: number;
  readonly faultSeed: number;
  /** The strike the campaign placed. */
  readonly plan: readonly ForcedFault[];
  readonly faults: readonly RecordedTrainFault[];
  readonly outcome: Outcome;
}

/** A parsed training campaign's `injections.jsonl` (the header's config is not validated yet). */
export interface TrainInjectionLog {
  readonly config: TrainCampaignConfig;
  readonly trials: RecordedTrainTrial[];
}

function phaseOf(v: unknown, where: string): Phase {
  if (!(PHASES as readonly unknown[]).includes(v)) fail(where, `unknown phase ${JSON.stringify(v)}`);
  return v as Phase;
}

function siteOf(v: unknown, where: string): FaultSite {
  if (!(FAULT_SITES as readonly unknown[]).includes(v)) {
    fail(where, `unknown fault site ${JSON.stringify(v)}`);
  }
  return v as FaultSite;
}

function fault(o: Record<string, unknown>, where: string): RecordedTrainFault {
  const base = {
    node: integer(o.node, where, "node"),
    iteration: integer(o.iteration, where, "iteration"),
    layer: integer(o.layer, where, "layer"),
    phase: phaseOf(o.phase, where),
    site: siteOf(o.site, where),
    forced: o.forced === true,
    entries: integer(o.entries, where, "entries"),
    index: typeof o.index === "number" && Number.isInteger(o.index)
      ? o.index
      : fail(where, "index must be an integer"),
    old: number(o.old, where, "old"),
    new: number(o.new, where, "new"),
    maxAbsDelta: number(o.max_abs_delta, where, "max_abs_delta"),
  };
  const attempt = o.attempt === undefined ? {} : { attempt: integer(o.attempt, where, "attempt") };
  if (o.changes === undefined) return { ...base, ...attempt };
  if (!Array.isArray(o.changes)) fail(where, "changes must be a list");
  return { ...base, ...attempt, changes: o.changes.map((c) => entryChange(c, where)) };
}

function planned(v: unknown, where: string): ForcedFault {
  const f = v as Record<string, unknown>;
  if (typeof f !== "object" || f === null) fail(where, "a plan entry must be an object");
  return {
    iteration: integer(f.iteration, where, "plan iteration"),
    layer: integer(f.layer, where, "plan layer"),
    phase: phaseOf(f.phase, where),
    node: integer(f.node, where, "plan node"),
    site: siteOf(f.site, where),
  };
}

/** The header of an injection log: its target ("stage" or "train"), or a UsageError with the line. */
export function injectionLogTarget(text: string, file = "injections.jsonl"): "stage" | "train" {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.trim() !== "");
  if (i < 0) throw new UsageError(`${file}: empty; expected an attack injections.jsonl`);
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(lines[i]);
  } catch (e) {
    fail(`${file}:${i + 1}`, `not JSON (${(e as Error).message})`);
  }
  if (typeof o !== "object" || o === null || o.type !== "campaign" || typeof o.config !== "object") {
    fail(
      `${file}:${i + 1}`,
      "the first line must be the campaign header (is this an attack injections.jsonl?)",
    );
  }
  return o.target === "train" ? "train" : "stage";
}

/** Parses a training campaign's `injections.jsonl` (UsageError with the file and line when malformed). */
export function parseTrainInjectionLog(text: string, file = "injections.jsonl"): TrainInjectionLog {
  if (injectionLogTarget(text, file) !== "train") {
    throw new UsageError(`${file}: a stage campaign's log, not a training campaign's`);
  }
  let config: TrainCampaignConfig | undefined;
  const trials: RecordedTrainTrial[] = [];
  let pending: RecordedTrainFault[] = [];
  let pendingKey = "";
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `${file}:${i + 1}`;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line);
    } catch (e) {
      fail(where, `not JSON (${(e as Error).message})`);
    }
    if (typeof o !== "object" || o === null || Array.isArray(o)) fail(where, "expected a JSON object");
    if (config === undefined) {
      if (o.version !== INJECTION_LOG_VERSION) {
        fail(where, `format version ${o.version}, this codenet reads ${INJECTION_LOG_VERSION}`);
      }
      const c = o.config as Record<string, unknown> | null;
      if (c === null || Array.isArray(c) || typeof c.train !== "object" || c.train === null) {
        fail(
          where,
          "the campaign header lacks the train flags (config.train); not a training campaign's log",
        );
      }
      config = c as unknown as TrainCampaignConfig;
      return;
    }
    const row = integer(o.row, where, "row");
    const trial = integer(o.trial, where, "trial");
    const key = `${row}/${trial}`;
    if (o.type === "injection") {
      if (pending.length > 0 && key !== pendingKey) {
        fail(where, "injection of another trial before its trial line");
      }
      pendingKey = key;
      pending.push(fault(o, where));
    } else if (o.type === "trial") {
      if (pending.length > 0 && key !== pendingKey) fail(where, "trial line does not match its injections");
      if (!(OUTCOMES as readonly unknown[]).includes(o.outcome)) fail(where, `unknown outcome ${o.outcome}`);
      if (!Array.isArray(o.plan)) fail(where, "plan must be a list");
      if (typeof o.faults === "number" && o.faults !== pending.length) {
        fail(where, `the trial counts ${o.faults} faults, the log holds ${pending.length} injection lines`);
      }
      trials.push({
        row,
        trial,
        trainSeed: integer(o.train_seed, where, "train_seed"),
        faultSeed: integer(o.fault_seed, where, "fault_seed"),
        plan: o.plan.map((p) => planned(p, where)),
        faults: pending,
        outcome: o.outcome as Outcome,
      });
      pending = [];
    } else {
      fail(where, `unknown line type ${JSON.stringify(o.type)}`);
    }
  });
  if (pending.length > 0) throw new UsageError(`${file}: ends with injections but no trial line`);
  return { config: config!, trials };
}
