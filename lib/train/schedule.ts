/**
 * Which samples each iteration trains on, and when to evaluate. Two schedules:
 *
 * - epochs: `epochs` passes over the pool of training samples, each in the order of a fresh
 *   seeded permutation, in batches of B (the last batch of a pass may be smaller); evaluation
 *   every `evalEvery` iterations (and after the last), or after every pass when it is 0;
 * - rounds (the authors'): one pass over `rounds × roundSamples` samples (the first ones of the
 *   pool's seeded permutation) in `rounds` rounds, evaluated after every round; batches do not
 *   cross rounds.
 *
 * Both also evaluate before the first iteration (row 0 of metrics.csv is the untrained network).
 * Every query is a pure function of the iteration, so a run can restart at any iteration
 * (roll-back, resume) and see the same batches.
 *
 * @example
 * ```ts
 * import { Schedule } from "./schedule.ts";
 * const s = new Schedule({ seed: 1, poolSize: 2000, batch: 1, epochs: 1, evalEvery: 0, rounds: 10, roundSamples: 200 });
 * s.totalIterations; // 2000
 * s.evaluatesAfter(199); // true: end of round 1
 * ```
 *
 * @module
 */

import { Rng } from "../random/rng.ts";

/** What a schedule is made from (see the module documentation). */
export interface ScheduleSpec {
  readonly seed: number;
  /** Training samples available (indices 0 … poolSize−1). */
  readonly poolSize: number;
  /** Batch size B. */
  readonly batch: number;
  readonly epochs: number;
  readonly evalEvery: number;
  /** 0 for the epochs schedule. */
  readonly rounds: number;
  readonly roundSamples: number;
}

/** One iteration's batch. */
export interface ScheduledBatch {
  /** Iteration number, from 0. */
  readonly iteration: number;
  /** Indices into the training samples. */
  readonly indices: Int32Array;
  /** Pass over the data it belongs to, from 0. */
  readonly epoch: number;
  /** Round it belongs to, from 0 (rounds schedule only). */
  readonly round?: number;
}

/** A training schedule; see the module documentation. */
export class Schedule {
  /** Iterations in the whole run. */
  readonly totalIterations: number;
  readonly #spec: ScheduleSpec;
  /** Samples per segment: a pass (epochs) or a round (rounds). */
  readonly #segment: number;
  readonly #perSegment: number;
  #cached: { epoch: number; order: Int32Array } | undefined;

  constructor(spec: ScheduleSpec) {
    const { poolSize, batch, epochs, rounds, roundSamples } = spec;
    for (const [k, v] of Object.entries(spec)) {
      if (!(Number.isSafeInteger(v) && v >= 0)) throw new RangeError(`schedule: ${k} = ${v}`);
    }
    if (poolSize < 1 || batch < 1) throw new RangeError("schedule: empty pool or batch");
    if (rounds > 0 && rounds * roundSamples > poolSize) {
      throw new RangeError(
        `schedule: ${rounds} rounds of ${roundSamples} samples need more than ${poolSize}`,
      );
    }
    this.#spec = spec;
    this.#segment = rounds > 0 ? roundSamples : poolSize;
    this.#perSegment = Math.ceil(this.#segment / batch);
    this.totalIterations = this.#perSegment * (rounds > 0 ? rounds : epochs);
  }

  /** True for the authors' rounds schedule. */
  get rounds(): boolean {
    return this.#spec.rounds > 0;
  }

  /** The batch of iteration `t`. */
  batch(t: number): ScheduledBatch {
    this.#check(t);
    const segment = Math.floor(t / this.#perSegment);
    const k = t % this.#perSegment;
    const start = k * this.#spec.batch;
    const end = Math.min(this.#segment, start + this.#spec.batch);
    if (this.rounds) {
      const offset = segment * this.#spec.roundSamples;
      return {
        iteration: t,
        indices: this.#order(0).slice(offset + start, offset + end),
        epoch: 0,
        round: segment,
      };
    }
    return { iteration: t, indices: this.#order(segment).slice(start, end), epoch: segment };
  }

  /** Whether an evaluation follows iteration `t`. */
  evaluatesAfter(t: number): boolean {
    this.#check(t);
    if (t === this.totalIterations - 1) return true;
    const every = this.rounds || this.#spec.evalEvery === 0 ? this.#perSegment : this.#spec.evalEvery;
    return (t + 1) % every === 0;
  }

  /** Training samples processed once iterations 0 … t−1 have run (t = 0: none). */
  samplesBefore(t: number): number {
    if (t === 0) return 0;
    const segments = Math.floor(t / this.#perSegment);
    const k = t % this.#perSegment;
    return segments * this.#segment + Math.min(this.#segment, k * this.#spec.batch);
  }

  /** Passes over the pool completed before iteration t (fractional). */
  epochsBefore(t: number): number {
    return this.samplesBefore(t) / this.#spec.poolSize;
  }

  /** Rounds completed before iteration t (rounds schedule), else undefined. */
  roundsBefore(t: number): number | undefined {
    return this.rounds ? Math.floor(t / this.#perSegment) : undefined;
  }

  /** The seeded permutation of the pool for pass `epoch`. */
  #order(epoch: number): Int32Array {
    if (this.#cached?.epoch !== epoch) {
      const order = Int32Array.from({ length: this.#spec.poolSize }, (_, i) => i);
      Rng.named(this.#spec.seed, `data/epoch/${epoch}`).shuffle(order);
      this.#cached = { epoch, order };
    }
    return this.#cached.order;
  }

  #check(t: number): void {
    if (!(Number.isInteger(t) && t >= 0 && t < this.totalIterations)) {
      throw new RangeError(`iteration ${t} outside 0 … ${this.totalIterations - 1}`);
    }
  }
}
