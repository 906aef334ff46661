/**
 * Bit-level faults on IEEE-754 entries: flips (a particle strike, a bad link) and stuck-at-0/1
 * (a cell that holds one value). Each struck entry gets `flips` distinct bits drawn from a class
 * (see bits.ts), or exactly the listed `bits`. A stuck-at fault changes only the bits that did not
 * already hold the value, so it may change nothing.
 *
 * @example
 * ```ts
 * import { Rng } from "../random/rng.ts";
 * import { bitFlipModel, stuckAtModel } from "./bit-faults.ts";
 * const flip2 = bitFlipModel({ bitClass: "mantissa-high", flips: 2 });
 * const stuck = stuckAtModel(1, { bits: [30] });
 * const a = new Float32Array([1, 2, 3]);
 * flip2.corrupt(a, Rng.named(1, "f")); // one entry, two distinct bits of 12–22 flipped
 * ```
 *
 * @module
 */

import type { Rng } from "../random/rng.ts";
import { dtypeOf, type Float } from "../tensor/matrix.ts";
import { applyBits, type BitClass, type BitOp, bitWidth, classBits, rawWords } from "./bits.ts";
import {
  type Change,
  type ChangeSink,
  ChangeTally,
  entriesLabel,
  type FaultModel,
  pickEntries,
} from "./model.ts";

/** Which bits a bit-level fault changes, and in how many entries. */
export interface BitSelection {
  /** Exactly these bit indices (bit 0 = lowest mantissa bit); overrides `bitClass` and `flips`. */
  readonly bits?: readonly number[];
  /** Class the bits are drawn from (default `any`). */
  readonly bitClass?: BitClass;
  /** Distinct bits drawn per entry from the class (default 1). */
  readonly flips?: number;
  /** Fraction of the entries struck (default: one entry). */
  readonly density?: number;
}

/** The bits to change in one entry of a `width`-bit buffer. */
function bitsFor(selection: BitSelection, classes: Map<number, number[]>, width: number, rng: Rng): number[] {
  if (selection.bits !== undefined) {
    for (const b of selection.bits) {
      if (!(Number.isInteger(b) && b >= 0 && b < width)) {
        throw new RangeError(`bit ${b} outside 0..${width - 1} of a ${width}-bit entry`);
      }
    }
    return [...selection.bits];
  }
  const pool = classes.get(width)!;
  const k = selection.flips ?? 1;
  if (k > pool.length) throw new RangeError(`cannot pick ${k} distinct bits from a class of ${pool.length}`);
  return rng.sample(pool.length, k).map((i) => pool[i]);
}

function bitLabel(selection: BitSelection): string {
  const what = selection.bits !== undefined
    ? `bit${selection.bits.length === 1 ? "" : "s"} ${selection.bits.join(",")}`
    : `${selection.flips ?? 1} ${selection.bitClass ?? "any"} bit${(selection.flips ?? 1) === 1 ? "" : "s"}`;
  return `${what}, ${entriesLabel(selection.density)}`;
}

function bitModel(name: string, op: BitOp, selection: BitSelection): FaultModel {
  const cls = selection.bitClass ?? "any";
  const classes = new Map([[32, classBits("float32", cls)], [64, classBits("float64", cls)]]);
  const params: Record<string, number | string | readonly number[]> = selection.bits !== undefined
    ? { bits: [...selection.bits] }
    : { bit_class: cls, flips: selection.flips ?? 1 };
  if (selection.density !== undefined) params.density = selection.density;
  return {
    name,
    label: `${name} ${bitLabel(selection)}`,
    params,
    corrupt(target: Float, rng: Rng, sink?: ChangeSink): Change {
      const dtype = dtypeOf(target);
      const words = rawWords(target);
      const tally = new ChangeTally(sink);
      for (const i of pickEntries(target.length, selection.density, rng)) {
        const old = target[i];
        const changed = applyBits(words, dtype, i, bitsFor(selection, classes, bitWidth(dtype), rng), op);
        tally.note(i, old, target[i], changed);
      }
      return tally.change();
    },
  };
}

/** Flips bits of struck entries; see the module documentation. */
export function bitFlipModel(selection: BitSelection = {}): FaultModel {
  return bitModel("bitflip", "flip", selection);
}

/** Forces bits of struck entries to `value`; see the module documentation. */
export function stuckAtModel(value: 0 | 1, selection: BitSelection = {}): FaultModel {
  return bitModel(`stuck-at-${value}`, value === 0 ? "set0" : "set1", selection);
}
