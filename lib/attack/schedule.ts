/**
 * Fault schedules of the standalone stage target, and the random streams of each trial.
 *
 * Trials of a campaign row are grouped into sequences of `sequence` consecutive trials on the same
 * node set (think: the same faulty hardware across `sequence` steps; each trial still decodes
 * fresh data):
 *
 * - `transient`: every trial draws new faulty symbols and a new corruption (a particle strike);
 * - `permanent`: the faulty symbols and the corruption (same entries, bits, values) are drawn once
 *   per sequence and strike in every trial of it (a stuck cell, a broken unit);
 * - `intermittent`: like permanent, but each faulty symbol misbehaves in a trial only with
 *   probability `activity` (a marginal part);
 * - mercurial models (any schedule): the faulty symbols are fixed per sequence, each misbehaves
 *   with the model's probability, with fresh corruption every time.
 *
 * Every draw comes from a counter-based stream named after the row (stage, model, t or rate) at a
 * position derived from the trial (or sequence) index, so any trial can be re-run alone and rows do
 * not disturb each other. A trial's `values(k)` stream holds up to 2^20 blocks (4 M words), far
 * more than the largest corruption draws.
 *
 * @module
 */

import type { AttackDraws } from "../faults/stage-attack.ts";
import { Rng, streamId } from "../random/rng.ts";

/** The schedules. */
export const SCHEDULES = ["transient", "intermittent", "permanent"] as const;
/** A schedule. */
export type Schedule = typeof SCHEDULES[number];

/** How a row's trials draw their faults. */
export interface ScheduleOptions {
  readonly schedule: Schedule;
  /** Trials per sequence on the same node set (permanent, intermittent, mercurial). */
  readonly sequence: number;
  /** Per-trial probability that an intermittent faulty symbol misbehaves. */
  readonly activity: number;
  /** A mercurial model's per-trial strike probability (undefined otherwise). */
  readonly strikeProbability?: number;
}

/** Blocks reserved per trial (or sequence) and faulty symbol. */
const STRIDE = 2 ** 20;
/** Faulty symbols a trial may have (each draws from its own stream). */
export const MAX_FAULTY_SYMBOLS = 256;
function faultyIndex(k: number): number {
  if (!(Number.isInteger(k) && k >= 0 && k < MAX_FAULTY_SYMBOLS)) {
    throw new RangeError(`faulty symbol index ${k} outside 0..${MAX_FAULTY_SYMBOLS - 1}`);
  }
  return k;
}

/** Largest trial index the stream layout supports without overlap. */
export const MAX_TRIALS = 2 ** 25;

/** The streams of the trials of one campaign row; see the module documentation. */
export class RowDraws {
  readonly #seed: number;
  readonly #nodes: number;
  readonly #values: number;
  readonly #activity: number;
  readonly #fixedNodes: boolean;
  readonly #fixedValues: boolean;
  readonly #probability: number;
  readonly #sequence: number;

  /** Streams for the row named `row` (e.g. "forward/additive/t=1") of a campaign seeded `seed`. */
  constructor(seed: number, row: string, options: ScheduleOptions) {
    this.#seed = seed;
    this.#nodes = streamId(`attack/${row}/nodes`);
    this.#values = streamId(`attack/${row}/values`);
    this.#activity = streamId(`attack/${row}/activity`);
    const mercurial = options.strikeProbability !== undefined;
    this.#fixedNodes = options.schedule !== "transient" || mercurial;
    this.#fixedValues = options.schedule !== "transient" && !mercurial;
    this.#probability = options.strikeProbability ??
      (options.schedule === "intermittent" ? options.activity : 1);
    this.#sequence = options.sequence;
  }

  /** The draws of trial `trial`. */
  at(trial: number): AttackDraws {
    if (!(Number.isInteger(trial) && trial >= 0 && trial < MAX_TRIALS)) {
      throw new RangeError(`trial ${trial} outside 0..${MAX_TRIALS - 1}`);
    }
    const sequence = Math.floor(trial / this.#sequence);
    const nodeUnit = this.#fixedNodes ? sequence : trial;
    const valueUnit = this.#fixedValues ? sequence : trial;
    const seed = this.#seed;
    const valuesStream = this.#values;
    const activityStream = this.#activity;
    const p = this.#probability;
    return {
      nodes: new Rng(seed, this.#nodes, nodeUnit * STRIDE),
      values: (k: number) =>
        new Rng(seed, valuesStream, (valueUnit * MAX_FAULTY_SYMBOLS + faultyIndex(k)) * STRIDE),
      active: (k: number) =>
        p >= 1 || new Rng(seed, activityStream, trial * MAX_FAULTY_SYMBOLS + faultyIndex(k)).next() < p,
    };
  }
}
