/**
 * Test helpers beside `node:assert/strict` (the stand-in for @std/assert, which JSR would serve).
 *
 * @module
 */

import assert from "node:assert/strict";

type Numeric = ArrayLike<number> | number;

/** Largest |a − b| / max(|b|, floor) over the elements; `floor` keeps near-zero entries from blowing up. */
export function relativeDifference(a: Numeric, b: Numeric, floor = 1e-30): number {
  const xs = typeof a === "number" ? [a] : a;
  const ys = typeof b === "number" ? [b] : b;
  assert.equal(xs.length, ys.length, `length ${xs.length} ≠ ${ys.length}`);
  let num = 0;
  let den = floor;
  for (let i = 0; i < xs.length; i++) {
    num = Math.max(num, Math.abs(xs[i] - ys[i]));
    den = Math.max(den, Math.abs(ys[i]));
  }
  return num / den;
}

/**
 * Asserts that `actual` equals `expected` within `tolerance`, measured as the largest elementwise
 * difference relative to the largest |expected| (a norm-wise relative error).
 *
 * @example
 * ```ts
 * import { assertClose } from "./assert.ts";
 * assertClose([1, 2.0000001], [1, 2], 1e-6);
 * ```
 */
export function assertClose(actual: Numeric, expected: Numeric, tolerance = 1e-9, message = ""): void {
  const d = relativeDifference(actual, expected);
  if (!(d <= tolerance)) {
    throw new assert.AssertionError({
      message: `${message ? message + ": " : ""}relative difference ${d.toExponential(3)} > ${tolerance}`,
      actual: d,
      expected: tolerance,
      operator: "<=",
    });
  }
}

/**
 * Asserts that `got` equals `want` entry by entry in the sense of `Object.is` (so −0 ≠ 0 and NaN =
 * NaN): a kernel against its reference, bit for bit up to NaN payloads.
 *
 * @example
 * ```ts
 * import { assertSameBits } from "./assert.ts";
 * assertSameBits(new Float32Array([0.1, NaN]), [Math.fround(0.1), NaN], "sums");
 * ```
 */
export function assertSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Object.is(got[i], want[i]), `${what}: entry ${i} is ${got[i]}, the reference ${want[i]}`);
  }
}

export { assert };
