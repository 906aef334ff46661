/**
 * The decoder's tolerance: how far a *clean* coded symbol may be from an exact codeword, stated
 * from what the caller knows about its inputs, never from the (possibly corrupted) symbols.
 *
 * A stage computes message entries `m[q][ℓ] = Σ_k a_k·b_k` (a row of a weight block times the input).
 * The caller supplies
 *
 * - `scale`: a bound on `Σ_k |a_k·b_k|` for every message entry (so also on `|m[q][ℓ]|`); for
 *   `s = W·x` take `max_i ‖W_i‖₂ · ‖x‖₂` (Cauchy–Schwarz), with the row-norm bound of the weights
 *   tracked since the last verified checkpoint (`‖W_i + η δ_i xᵀ‖ ≤ ‖W_i‖ + |η δ_i| ‖x‖`);
 * - `epsilon`: the relative error of a clean symbol entry, so that
 *   `|y[p][ℓ] − (G·m)[p][ℓ]| ≤ epsilon · scale · Σ_q |G[p][q]|` for every clean symbol p.
 *   It covers the rounding of the products, of the sums that build the symbol, and of its storage;
 *   {@link roundoffEpsilon} derives it from the precision and the number of accumulated terms.
 *
 * How a node derives them, per stage and step (see `LayerCode.forwardScale` / `forwardTerms`):
 *
 * - `scale = code.forwardScale(rowNormBound, ‖x‖₂)` (backward: `backwardScale(colNormBound, ‖δ‖₂)`),
 *   with the norm bounds of the weights tracked since the last verified checkpoint;
 * - products of float32 blocks accumulated in float64 (free for a bandwidth-bound B = 1 GEMV):
 *   `epsilon = 2⁻²⁴ + roundoffEpsilon("float32", terms, { accumulation: "float64", bound: "worst-case" })`
 *   (the stored block's rounding plus the symbol's), which keeps the detection threshold near
 *   1e-7 · scale: every float32 flip of bits 20–31 of a non-tiny entry is caught;
 * - products accumulated in float32: `epsilon = 2⁻²⁴ + roundoffEpsilon("float32", terms)`, a bound
 *   about √terms times looser (bench/decode.ts: about a quarter of the flips of bits 20–31 of a
 *   10,000-term layer then fall below it, harmlessly but unseen);
 * - blocks updated in place since they were last encoded exactly accumulate one storage rounding
 *   per update: add `8·√updates·2⁻²⁴` (or re-encode the parity blocks at verified checkpoints).
 *
 * The decoder adds its own float64 rounding to these bounds and accepts a set of symbols as clean
 * only if every syndrome entry is within the resulting threshold: a rigorous bound, so clean data
 * never raise an alarm as long as `scale` and `epsilon` hold. Errors smaller than the threshold are
 * "masked": they change the decoded result by at most {@link StageDecoder}'s stated output bound.
 *
 * @example
 * ```ts
 * import { roundoffEpsilon } from "./tolerance.ts";
 * // float32 GEMV over 2,500 terms, then a float32 sum of 4 partials, stored in float32:
 * const tol = { scale: 12.5 * 3.1, epsilon: roundoffEpsilon("float32", 2500 + 4) };
 * ```
 *
 * @module
 */

import type { DType } from "../tensor/matrix.ts";

/** What the decoder needs to know about clean symbols; see the module documentation. */
export interface DecodeTolerance {
  /** Bound on Σ|terms| behind every message entry (hence on |message entry|); > 0. */
  readonly scale: number;
  /** Relative error of a clean symbol entry, relative to `scale · Σ_q |G[p][q]|`; ≥ 0. */
  readonly epsilon: number;
}

/** Unit roundoff of a precision: 2⁻²⁴ (float32) or 2⁻⁵³ (float64). */
export function unitRoundoff(dtype: DType): number {
  return dtype === "float32" ? 2 ** -24 : 2 ** -53;
}

/** How {@link roundoffEpsilon} bounds accumulation error. */
export type RoundoffBound = "worst-case" | "probabilistic";

/** Options of {@link roundoffEpsilon}. */
export interface RoundoffOptions {
  /** Precision the sums are accumulated in (default: the storage precision). */
  accumulation?: DType;
  /**
   * `worst-case`: γ_n = n·u/(1 − n·u) (Higham, Thm 3.1), always valid, pessimistic for long sums;
   * `probabilistic` (default): λ·√n·u with λ = 8 (Higham & Mary 2019: violated with probability
   * ≤ 2·exp(−λ²/2) ≈ 3e-14 per entry when rounding errors are independent and mean zero).
   */
  bound?: RoundoffBound;
}

/** The λ of the probabilistic rounding bound. */
export const PROBABILISTIC_LAMBDA = 8;

/**
 * `epsilon` for symbols stored in `storage` precision whose entries are sums of `terms` products:
 * one storage rounding plus the accumulation bound.
 *
 * @example
 * ```ts
 * import { roundoffEpsilon } from "./tolerance.ts";
 * roundoffEpsilon("float64", 5, { bound: "worst-case" }); // ≈ 6.7e-16: 5-term float64 encode
 * ```
 */
export function roundoffEpsilon(storage: DType, terms: number, options: RoundoffOptions = {}): number {
  const { accumulation = storage, bound = "probabilistic" } = options;
  if (!(terms >= 1)) throw new RangeError(`terms must be ≥ 1, got ${terms}`);
  const u = unitRoundoff(accumulation);
  const accumulated = bound === "worst-case"
    ? (terms * u) / (1 - terms * u)
    : PROBABILISTIC_LAMBDA * Math.sqrt(terms) * u;
  return unitRoundoff(storage) + accumulated;
}

/** Throws unless a tolerance is usable (positive finite scale, non-negative finite epsilon). */
export function checkTolerance(t: DecodeTolerance): void {
  if (!(t.scale > 0 && Number.isFinite(t.scale))) {
    throw new RangeError(`tolerance scale must be > 0, got ${t.scale}`);
  }
  if (!(t.epsilon >= 0 && Number.isFinite(t.epsilon))) {
    throw new RangeError(`tolerance epsilon must be ≥ 0, got ${t.epsilon}`);
  }
}
