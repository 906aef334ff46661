/**
 * One standalone stage trial, end to end: take a clean data set, let an injector corrupt symbols
 * (an attack, or the recorded injections of a replay), decode, compare with the exact message
 * and classify. Buffers are allocated once: clean symbols are shared views of the data sets, and
 * a symbol is copied into its own scratch buffer only when something writes to it.
 *
 * @example
 * ```ts
 * import { StageRunner } from "./stage-runner.ts";
 * // const runner = new StageRunner(stage, data, { mode: "probabilistic", seed: 1, budgetSeconds: 1, undetectable: false });
 * // const r = runner.run(trial % datasets, (target) => attack.inject(target, 1, draws));
 * // r.outcome: "corrected", r.injections: what changed
 * ```
 *
 * @module
 */

import type { DecodeMode, DecodeResult, StageDecoder } from "../codes/decoder.ts";
import type { StageCode } from "../codes/stage.ts";
import type { ChangeSink, EntryChange } from "../faults/model.ts";
import type { StageSymbols } from "../faults/stage-attack.ts";
import { allocFloat, dtypeOf, type Float, type Matrix } from "../tensor/matrix.ts";
import { classify, type Outcome } from "./outcome.ts";
import type { StageData } from "./stage-data.ts";

const NO_ENTRIES: readonly EntryChange[] = Object.freeze([]);

/** What was done to one symbol in a trial. */
export interface SymbolInjection {
  readonly symbol: number;
  /** The symbol was erased (its node did not answer). */
  readonly erased: boolean;
  /** Entries changed (empty when a fault struck but changed nothing, e.g. stuck-at a held bit). */
  readonly entries: readonly EntryChange[];
  /**
   * The decoder's detection threshold for this symbol and data set: an error larger than this in
   * one entry of this symbol alone is always seen (NaN when erased; see `StageDecoder.report`).
   */
  readonly detect: number;
}

/** The result of one trial. */
export interface TrialResult {
  readonly dataset: number;
  /** A fault struck. */
  readonly attempted: boolean;
  readonly injections: readonly SymbolInjection[];
  readonly verdict: DecodeResult["verdict"] | "threw";
  readonly located: readonly number[];
  readonly margin: number;
  readonly bound: number;
  /** Largest |decoded − exact| (NaN when not accepted). */
  readonly outputError: number;
  readonly seconds: number;
  readonly outcome: Outcome;
  /** The decoder's reason (uncorrectable) or the exception message (threw); empty otherwise. */
  readonly reason: string;
}

/** Options of {@link StageRunner}. */
export interface StageRunnerOptions {
  readonly mode: DecodeMode;
  /** Seed of the decoder's random directions. */
  readonly seed: number;
  /** A decode longer than this is a `hang`. */
  readonly budgetSeconds: number;
  /** The injected errors are codewords (in-span): wrong accepted results are `undetectable`. */
  readonly undetectable: boolean;
}

/** Runs trials on one stage; see the module documentation. */
export class StageRunner implements StageSymbols {
  readonly generator: Matrix;
  readonly length: number;
  readonly decoder: StageDecoder;
  readonly #data: StageData;
  readonly #options: StageRunnerOptions;
  readonly #symbols: Float[];
  readonly #scratch: Float[];
  readonly #owned: Uint8Array;
  readonly #erased: Uint8Array;
  readonly #changes: EntryChange[][];
  readonly #sinks: ChangeSink[];
  readonly #out: Float64Array[];
  /** Per data set, the detection threshold of each symbol. */
  readonly #detect: Float64Array[];
  #dataset = 0;
  #attempted = false;

  constructor(readonly stage: StageCode, data: StageData, options: StageRunnerOptions) {
    this.generator = stage.generator;
    this.length = data.options.length;
    this.#data = data;
    this.#options = options;
    this.decoder = stage.decoder({ length: this.length, mode: options.mode, seed: options.seed });
    const p = stage.P;
    this.#symbols = [...data.symbols[0]];
    this.#scratch = Array.from({ length: p }, () => allocFloat(dtypeOf(data.symbols[0][0]), this.length));
    this.#owned = new Uint8Array(p);
    this.#erased = new Uint8Array(p);
    this.#changes = Array.from({ length: p }, () => []);
    // A sink reads the current list at call time: a trial's lists are handed to its result.
    this.#sinks = this.#changes.map((_, p) => (change: EntryChange) => this.#changes[p].push(change));
    this.#out = stage.wanted.map(() => new Float64Array(this.length));
    this.#detect = data.tolerance.map((t) => this.decoder.report(t).detect);
  }

  writable(p: number): Float {
    this.#attempted = true;
    if (!this.#owned[p]) {
      this.#scratch[p].set(this.#data.symbols[this.#dataset][p]);
      this.#symbols[p] = this.#scratch[p];
      this.#owned[p] = 1;
    }
    return this.#symbols[p];
  }

  erase(p: number): void {
    this.#attempted = true;
    this.#erased[p] = 1;
  }

  sink(p: number): ChangeSink {
    return this.#sinks[p];
  }

  /** Runs one trial on data set `dataset`, with `inject` corrupting symbols through this target. */
  run(dataset: number, inject: (target: StageSymbols) => void): TrialResult {
    const data = this.#data;
    this.#dataset = dataset;
    const clean = data.symbols[dataset];
    for (let p = 0; p < clean.length; p++) {
      this.#symbols[p] = clean[p];
      this.#owned[p] = 0;
      this.#erased[p] = 0;
      if (this.#changes[p].length > 0) this.#changes[p] = [];
    }
    this.#attempted = false;
    inject(this);

    const injections: SymbolInjection[] = [];
    const changed: number[] = [];
    let erasedCount = 0;
    for (let p = 0; p < clean.length; p++) {
      if (this.#erased[p]) erasedCount++;
      if (this.#changes[p].length > 0) changed.push(p);
      if (this.#owned[p] || this.#erased[p]) {
        const entries = this.#changes[p].length > 0 ? this.#changes[p] : NO_ENTRIES;
        const erased = this.#erased[p] === 1;
        injections.push({ symbol: p, erased, entries, detect: erased ? NaN : this.#detect[dataset][p] });
      }
    }

    let result: DecodeResult | undefined;
    let reason = "";
    const start = performance.now();
    try {
      result = this.decoder.decode(this.#symbols, this.#erased, data.tolerance[dataset], this.#out);
      reason = result.reason;
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
    const seconds = (performance.now() - start) / 1000;
    const accepted = result !== undefined && result.verdict !== "uncorrectable";
    const outputError = accepted ? this.#outputError(dataset) : NaN;
    const outcome = classify({
      attempted: this.#attempted,
      changed,
      erased: erasedCount,
      threw: result === undefined,
      verdict: result?.verdict,
      located: result?.located,
      outputError,
      bound: result?.bound,
      seconds,
      budgetSeconds: this.#options.budgetSeconds,
      undetectableByConstruction: this.#options.undetectable,
    });
    return {
      dataset,
      attempted: this.#attempted,
      injections,
      verdict: result?.verdict ?? "threw",
      located: result?.located ?? [],
      margin: result?.margin ?? NaN,
      bound: result?.bound ?? NaN,
      outputError,
      seconds,
      outcome,
      reason,
    };
  }

  /** Largest |decoded − exact| over the wanted rows; NaN if any decoded entry is not finite. */
  #outputError(dataset: number): number {
    const messages = this.#data.messages[dataset];
    const wanted = this.stage.wanted;
    let worst = 0;
    for (let w = 0; w < wanted.length; w++) {
      const e = maxAbsDifference(this.#out[w], messages[wanted[w]], this.length);
      if (!(e <= worst)) worst = e;
      if (worst !== worst) return NaN;
    }
    return worst;
  }
}

/** max_l |a[l] − b[l]| over `n` entries; NaN if any difference is NaN. */
function maxAbsDifference(a: Float64Array, b: Float64Array, n: number): number {
  let worst = 0;
  for (let l = 0; l < n; l++) {
    const e = Math.abs(a[l] - b[l]);
    if (e > worst) worst = e;
    else if (e !== e) return NaN;
  }
  return worst;
}
