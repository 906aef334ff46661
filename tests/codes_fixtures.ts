/**
 * Shared helpers of the codes tests: seeded messages, encoding into stored symbols, error
 * injection, and the tolerance a test derives from its own inputs.
 *
 * @module
 */

import type { Rng } from "../lib/random/rng.ts";
import { allocFloat, type DType, type Float } from "../lib/tensor/matrix.ts";
import type { StageCode } from "../lib/codes/stage.ts";
import { type DecodeTolerance, roundoffEpsilon } from "../lib/codes/tolerance.ts";

/** Q Gaussian message rows of `length` entries, scaled by `scale`. */
export function randomMessages(rng: Rng, q: number, length: number, scale = 1): Float64Array[] {
  return Array.from({ length: q }, () => Float64Array.from({ length }, () => scale * rng.normal()));
}

/** The stage's P symbols of `messages`, encoded in float64 and stored in `dtype`. */
export function encodeSymbols(stage: StageCode, messages: readonly Float64Array[], dtype: DType): Float[] {
  const length = messages[0].length;
  const exact = Array.from({ length: stage.P }, () => new Float64Array(length));
  stage.encode(messages, exact, length);
  return exact.map((y) => {
    const s = allocFloat(dtype, length);
    s.set(y);
    return s;
  });
}

/** Largest |entry| over the messages: the `scale` a caller knows from its inputs. */
export function maxAbs(rows: readonly ArrayLike<number>[]): number {
  let m = 0;
  for (const r of rows) for (let i = 0; i < r.length; i++) m = Math.max(m, Math.abs(r[i]));
  return m;
}

/**
 * The tolerance of symbols encoded from `messages` in float64 (Q-term sums) and stored in `dtype`:
 * scale = max |message entry|, epsilon = storage rounding + worst-case float64 encode rounding.
 */
export function storedTolerance(
  stage: StageCode,
  messages: readonly Float64Array[],
  dtype: DType,
): DecodeTolerance {
  return {
    scale: maxAbs(messages),
    epsilon: roundoffEpsilon(dtype, stage.Q, { accumulation: "float64", bound: "worst-case" }),
  };
}

/** 2-norm of a vector. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** Adds a dense Gaussian error of norm `relative · ‖symbol‖` to `symbol`. */
export function addDenseError(rng: Rng, symbol: Float, relative: number): void {
  const e = Float64Array.from({ length: symbol.length }, () => rng.normal());
  const f = (relative * norm(symbol)) / norm(e);
  for (let i = 0; i < symbol.length; i++) symbol[i] += f * e[i];
}

/** A magnitude spread log-uniformly over [lo, hi]. */
export function logUniform(rng: Rng, lo: number, hi: number): number {
  return Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
}

/** `count` output views of `length` float64 entries. */
export function outputs(count: number, length: number): Float64Array[] {
  return Array.from({ length: count }, () => new Float64Array(length));
}
