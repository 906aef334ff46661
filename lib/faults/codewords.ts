/**
 * Codewords of a stage's code as error patterns: the in-span and colluding attacks add `c_p · v`
 * to symbols p, where `c = G·u` is a codeword (P coefficients, exactly zero off its support) and
 * `v` a sparse random vector over the entries. A codeword vanishing on a set Z of symbols comes
 * from the null space of G's rows in Z; an MDS (P, Q) code has such codewords for any support of
 * at least P − Q + 1 symbols, and none smaller. Codes that are not MDS as a whole (replication)
 * are covered by also summing minimal codewords (Q − 1 random zero rows).
 *
 * @example
 * ```ts
 * import { Rng } from "../random/rng.ts";
 * import { gaussianSystematic } from "../codes/generators.ts";
 * import { codewordsWithSupport } from "./codewords.ts";
 * const g = gaussianSystematic(7, 5, 1);
 * codewordsWithSupport(g, 3, 4, Rng.named(1, "cw"))[0].support.length; // 3 = P − Q + 1
 * codewordsWithSupport(g, 2, 4, Rng.named(1, "cw")).length;            // 0: none has weight 2
 * ```
 *
 * @module
 */

import type { Rng } from "../random/rng.ts";
import type { Matrix } from "../tensor/matrix.ts";
import { svd, zeros } from "../tensor/linalg.ts";
import { ChangeTally } from "./model.ts";
import type { StageSymbols } from "./stage-attack.ts";

/** A codeword `c = G·u` used as an error pattern. */
export interface Codeword {
  /** Symbols where c is not zero, increasing. */
  readonly support: readonly number[];
  /** The P coefficients, largest |c_p| = 1, exactly 0 off the support. */
  readonly coefficients: Float64Array;
}

/** Relative size below which a coefficient of `G·u` counts as zero (rounding of a true zero). */
const ZERO = 1e-9;

/** A basis of the null space of G's rows `rows` (Q × k), by an SVD; k may be 0. */
export function nullSpace(g: Matrix, rows: readonly number[]): Matrix {
  const q = g.cols;
  const m = zeros(Math.max(rows.length, q), q);
  rows.forEach((r, i) => m.data.set(g.row(r), i * q));
  const { s, v } = svd(m);
  const cut = 1e-12 * s[0];
  const keep: number[] = [];
  for (let k = 0; k < q; k++) if (s[0] === 0 || s[k] <= cut) keep.push(k);
  const basis = zeros(q, keep.length);
  keep.forEach((k, j) => {
    for (let i = 0; i < q; i++) basis.set(i, j, v.get(i, k));
  });
  return basis;
}

/** A random message direction u with G·u zero on symbols `zero` (null-space combination), or null. */
function directionVanishingOn(g: Matrix, zero: readonly number[], rng: Rng): Float64Array | null {
  const basis = nullSpace(g, zero);
  if (basis.cols === 0) return null;
  const u = new Float64Array(g.cols);
  for (let j = 0; j < basis.cols; j++) {
    const a = rng.normal();
    for (let i = 0; i < g.cols; i++) u[i] += a * basis.get(i, j);
  }
  return u;
}

/** A random codeword vanishing on symbols `zero`, or null if only the zero codeword does. */
export function codewordVanishingOn(g: Matrix, zero: readonly number[], rng: Rng): Codeword | null {
  const u = directionVanishingOn(g, zero, rng);
  return u === null ? null : codewordOf(g, u, zero);
}

/** The codeword G·u with the rows `zero` (and rounding-level entries) set to exactly 0, normalised. */
function codewordOf(g: Matrix, u: Float64Array, zero: readonly number[] = []): Codeword | null {
  const c = new Float64Array(g.rows);
  let max = 0;
  for (let p = 0; p < g.rows; p++) {
    const row = g.row(p);
    let s = 0;
    for (let i = 0; i < g.cols; i++) s += row[i] * u[i];
    c[p] = s;
    max = Math.max(max, Math.abs(s));
  }
  for (const p of zero) c[p] = 0;
  let top = 0;
  for (let p = 0; p < g.rows; p++) {
    if (Math.abs(c[p]) <= ZERO * max) c[p] = 0;
    top = Math.max(top, Math.abs(c[p]));
  }
  if (top === 0) return null;
  const support: number[] = [];
  for (let p = 0; p < g.rows; p++) {
    c[p] /= top;
    if (c[p] !== 0) support.push(p);
  }
  return { support, coefficients: c };
}

function complement(n: number, set: readonly number[]): number[] {
  const inSet = new Uint8Array(n);
  for (const p of set) inSet[p] = 1;
  const out: number[] = [];
  for (let p = 0; p < n; p++) if (!inSet[p]) out.push(p);
  return out;
}

/** A codeword supported within `w` random symbols (zero on the others), or null. */
function withinRandomSet(g: Matrix, w: number, rng: Rng): Codeword | null {
  if (w < 1 || w > g.rows) return null;
  return codewordVanishingOn(g, complement(g.rows, rng.sample(g.rows, w)), rng);
}

/** A sum of random minimal codewords (Q − 1 random zero rows each) until the support reaches `min`. */
function summedMinimal(g: Matrix, min: number, rng: Rng): Codeword | null {
  const u = new Float64Array(g.cols);
  for (let round = 0; round < g.rows; round++) {
    const d = directionVanishingOn(g, rng.sample(g.rows, Math.max(0, g.cols - 1)), rng);
    if (d === null) continue;
    for (let i = 0; i < g.cols; i++) u[i] += d[i];
    const sum = codewordOf(g, u);
    if (sum !== null && sum.support.length >= min) return sum;
  }
  return null;
}

/**
 * Up to `count` random codewords whose support has exactly `t` symbols (the in-span error of t
 * symbols); empty when none was found in 64 tries per codeword (always the case for an MDS code
 * with t < P − Q + 1).
 */
export function codewordsWithSupport(g: Matrix, t: number, count: number, rng: Rng): Codeword[] {
  const found: Codeword[] = [];
  for (let attempt = 0; attempt < 64 * count && found.length < count; attempt++) {
    const c = attempt % 2 === 0 ? withinRandomSet(g, t, rng) : summedMinimal(g, t, rng);
    if (c !== null && c.support.length === t) found.push(c);
    if (attempt === 63 && found.length === 0) break;
  }
  return found;
}

/**
 * Up to `count` random codewords with the smallest support of more than `t` symbols that a seeded
 * search finds (P − Q + 1 or t + 1, whichever is larger, for an MDS code): the colluding attack
 * corrupts t symbols of the support, leaving the received word at distance |support| − t from
 * another codeword. Empty when t ≥ P.
 */
export function colludingCodewords(g: Matrix, t: number, count: number, rng: Rng): Codeword[] {
  if (t + 1 > g.rows) return [];
  const w = Math.max(t + 1, g.rows - g.cols + 1);
  const candidates: Codeword[] = [];
  for (let attempt = 0; attempt < 16 * count; attempt++) {
    const c = attempt % 2 === 0 ? withinRandomSet(g, w, rng) : summedMinimal(g, t + 1, rng);
    if (c !== null && c.support.length > t) candidates.push(c);
  }
  if (candidates.length === 0) return [];
  const smallest = Math.min(...candidates.map((c) => c.support.length));
  return candidates.filter((c) => c.support.length === smallest).slice(0, count);
}

/**
 * Adds `c_p · v` to each symbol p of `on`: v is U(−amplitude, amplitude) on `entries` (the same
 * entries and values for every symbol, so the errors are jointly a multiple of the codeword).
 */
export function addCodewordError(
  target: StageSymbols,
  c: Codeword,
  on: readonly number[],
  entries: readonly number[],
  values: readonly number[],
): void {
  for (const p of on) {
    const y = target.writable(p);
    const tally = new ChangeTally(target.sink(p));
    const f = c.coefficients[p];
    entries.forEach((i, k) => {
      const old = y[i];
      y[i] = old + f * values[k];
      tally.note(i, old, y[i]);
    });
  }
}
