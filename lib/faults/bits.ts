/**
 * IEEE-754 bit access for the bit-level fault models: bit classes of float32 and float64, and
 * flipping or forcing bits of an entry in place on the raw words (so that NaN payloads survive).
 *
 * Bit 0 is the lowest mantissa bit. Classes:
 *
 * | class           | float32  | float64  |
 * | --------------- | -------- | -------- |
 * | `sign`          | 31       | 63       |
 * | `exponent`      | 23–30    | 52–62    |
 * | `exponent-msb`  | 30       | 62       |
 * | `mantissa-high` | 12–22    | 26–51    |
 * | `mantissa-low`  | 0–11     | 0–25     |
 * | `any`           | 0–31     | 0–63     |
 *
 * (the mantissa's upper and lower halves; float32 has 23 mantissa bits, float64 52).
 *
 * @example
 * ```ts
 * import { applyBits, classBits, rawWords } from "./bits.ts";
 * const a = new Float32Array([1]);
 * applyBits(rawWords(a), "float32", 0, [31], "flip"); // [31]: a[0] is now −1
 * classBits("float64", "exponent-msb"); // [62]
 * ```
 *
 * @module
 */

import type { DType, Float } from "../tensor/matrix.ts";

/** Bit classes of the bit-level models. */
export const BIT_CLASSES = [
  "sign",
  "exponent",
  "exponent-msb",
  "mantissa-high",
  "mantissa-low",
  "any",
] as const;
/** A bit class. */
export type BitClass = typeof BIT_CLASSES[number];

/** What a bit-level model does to each chosen bit. */
export type BitOp = "flip" | "set0" | "set1";

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error("lib/faults/bits.ts assumes a little-endian platform");
}

/** Bits of an entry: 32 (float32) or 64 (float64). */
export function bitWidth(dtype: DType): number {
  return dtype === "float32" ? 32 : 64;
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** The bit indices of a class, increasing. */
export function classBits(dtype: DType, cls: BitClass): number[] {
  const [mantissa, exponentBits] = dtype === "float32" ? [23, 8] : [52, 11];
  const sign = mantissa + exponentBits;
  const half = mantissa >> 1;
  switch (cls) {
    case "sign":
      return [sign];
    case "exponent":
      return range(mantissa, sign - 1);
    case "exponent-msb":
      return [sign - 1];
    case "mantissa-high":
      return range(mantissa - half, mantissa - 1);
    case "mantissa-low":
      return range(0, mantissa - half - 1);
    case "any":
      return range(0, sign);
  }
}

/** A Uint32Array over the same bytes as `target` (two words per float64 entry, low word first). */
export function rawWords(target: Float): Uint32Array {
  return new Uint32Array(target.buffer, target.byteOffset, target.byteLength >>> 2);
}

/**
 * Applies `op` to bits `bits` of entry `index` (`words` from {@link rawWords} of a `dtype` buffer).
 * Returns the bits whose value changed (a subset of `bits`, increasing as given).
 */
export function applyBits(
  words: Uint32Array,
  dtype: DType,
  index: number,
  bits: readonly number[],
  op: BitOp,
): number[] {
  const changed: number[] = [];
  for (const b of bits) {
    const w = dtype === "float32" ? index : 2 * index + (b >>> 5);
    const mask = (1 << (b & 31)) >>> 0;
    const before = words[w];
    const after = op === "flip" ? before ^ mask : op === "set1" ? before | mask : before & ~mask;
    if ((after >>> 0) !== before) {
      words[w] = after;
      changed.push(b);
    }
  }
  return changed;
}
