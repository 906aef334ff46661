/**
 * The fault-model interface shared by the attack campaigns and the training injector: a model
 * corrupts one buffer in place (a coded symbol, a stored weight block, a message) with draws from
 * a seeded stream, returns a summary of what it changed ({@link Change}) and, when given a sink,
 * reports every entry it changed (index, old and new value, and the bits for bit-level models),
 * which is what `injections.jsonl` records and `--replay` writes back.
 *
 * A model reads nothing but the target and its stream, so the same stream position gives the same
 * corruption: the attack's permanent schedule re-applies a fault by restarting the stream.
 *
 * Families (one file each): additive.ts (the authors' U(−a, a)), bitflip.ts, stuck-at.ts,
 * replace.ts (zero, random value, NaN, ±Inf), multiply.ts (sign flip, scale by ±p %),
 * mercurial.ts (any of these, striking with probability p); registry.ts builds them by name.
 * Faults that involve several symbols at once (in-span, colluding, crash) are stage attacks
 * (stage-attack.ts).
 *
 * @example
 * ```ts
 * import { Rng } from "../random/rng.ts";
 * import { bitFlipModel } from "./bitflip.ts";
 * const model = bitFlipModel({ bitClass: "exponent", flips: 1 });
 * const block = new Float32Array(100).fill(1);
 * const change = model.corrupt(block, Rng.named(1, "faults"), (e) => console.log(e.index, e.bits));
 * change.entries; // 1
 * ```
 *
 * @module
 */

import type { Rng } from "../random/rng.ts";
import type { Float } from "../tensor/matrix.ts";

/** What one corruption changed (the summary a training fault log keeps). */
export interface Change {
  /** Entries whose value (bit pattern) changed. */
  readonly entries: number;
  /** First changed index, its old and new value (enough to recognise it in a log); −1 if none. */
  readonly index: number;
  readonly old: number;
  readonly new: number;
  /** Largest |new − old| over the changed entries (NaN or Infinity when a value became non-finite). */
  readonly maxAbsDelta: number;
}

/** One changed entry, as the sink of {@link FaultModel.corrupt} receives it. */
export interface EntryChange {
  readonly index: number;
  readonly old: number;
  readonly new: number;
  /** Bit indices changed (bit-level models only; bit 0 is the mantissa's lowest). */
  readonly bits?: readonly number[];
}

/** Receives every entry a model changes. */
export type ChangeSink = (change: EntryChange) => void;

/** A parameter value of a model, as recorded in results. */
export type ModelParam = number | string | readonly number[];

/** A fault model for one buffer; see the module documentation. */
export interface FaultModel {
  /** Family name, the `--model` value (e.g. "bitflip"). */
  readonly name: string;
  /** Name with parameters, for tables (e.g. "bitflip exponent ×1, 1 entry"). */
  readonly label: string;
  /** Parameters, for result files. */
  readonly params: Readonly<Record<string, ModelParam>>;
  /** Corrupts `target` in place with draws from `rng`; reports changed entries to `sink`. */
  corrupt(target: Float, rng: Rng, sink?: ChangeSink): Change;
}

/** The {@link Change} of a corruption that changed nothing. */
export const NO_CHANGE: Change = { entries: 0, index: -1, old: NaN, new: NaN, maxAbsDelta: 0 };

/** Accumulates the {@link Change} of a corruption, entry by entry, and forwards entries to a sink. */
export class ChangeTally {
  #entries = 0;
  #first: EntryChange | undefined;
  #maxAbsDelta = 0;

  constructor(readonly sink?: ChangeSink) {}

  /**
   * Notes that entry `index` went from `old` to `now` (read back from the target, so after the
   * storage rounding). Values that are the same (`Object.is`) are not a change unless `bits` says
   * the bit pattern changed (a NaN payload).
   */
  note(index: number, old: number, now: number, bits?: readonly number[]): void {
    if (bits === undefined ? Object.is(old, now) : bits.length === 0) return;
    const change: EntryChange = bits === undefined
      ? { index, old, new: now }
      : { index, old, new: now, bits };
    this.#entries++;
    this.#first ??= change;
    const d = Math.abs(now - old);
    if (d !== d || this.#maxAbsDelta !== this.#maxAbsDelta) this.#maxAbsDelta = NaN;
    else if (d > this.#maxAbsDelta) this.#maxAbsDelta = d;
    this.sink?.(change);
  }

  /** The summary so far. */
  change(): Change {
    const first = this.#first;
    if (first === undefined) return NO_CHANGE;
    return {
      entries: this.#entries,
      index: first.index,
      old: first.old,
      new: first.new,
      maxAbsDelta: this.#maxAbsDelta,
    };
  }
}

/** Number of entries a fault of `density` changes in a buffer of `length` (at least one). */
export function faultyEntries(length: number, density: number): number {
  return Math.max(1, Math.min(length, Math.round(density * length)));
}

/**
 * The entries a fault strikes: `faultyEntries(length, density)` distinct ones in increasing order,
 * or a single one when `density` is undefined.
 */
export function pickEntries(length: number, density: number | undefined, rng: Rng): number[] {
  if (density === undefined) return [rng.int(length)];
  return rng.sample(length, faultyEntries(length, density));
}

/** "1 entry" or "0.5 % of entries", for labels. */
export function entriesLabel(density: number | undefined): string {
  return density === undefined ? "1 entry" : `${+(100 * density).toPrecision(3)} % of entries`;
}
