/**
 * The decoder of one stage: P received symbols (vectors of length L, float32 or float64, some
 * possibly erased) of a (P, Q) real MDS code with generator G → the message rows the caller wants,
 * a verdict, and the symbols found wrong. Everything is computed in float64.
 *
 * Algorithm (DESIGN.md §1.3), repeated until the remaining symbols are consistent:
 *
 * 1. Syndromes of the clean set C (all symbols − erasures − located): `S = H·Y_C` with H an
 *    orthonormal parity check of G restricted to C, compared entry by entry with thresholds derived
 *    from the caller's {@link DecodeTolerance} (inputs' norms, precision) and from G's geometry.
 *    No entry above its threshold → C is accepted and the message decoded from Q of its symbols
 *    (the systematic ones verbatim when present).
 * 2. Otherwise locate: a few whitened syndrome columns (the worst entries, plus projections of S on
 *    seeded random ±1 directions) go to {@link locateSupport}, which finds the smallest support T
 *    explaining them. T joins the located set and step 1 re-checks the remaining symbols in full.
 * 3. Before accepting a corrected set, its stated accuracy (`bound`: noise plus the largest error
 *    that could hide in the symbols decoded from) must not exceed that of all received symbols by
 *    more than `maxBoundGrowth` (default 10⁶): a badly conditioned remainder cannot tell a small
 *    error from none, and the stage is then `uncorrectable` instead.
 *
 * Modes: `probabilistic` accepts up to n − Q − 1 located symbols (n = symbols received): at least
 * Q + 1 consistent symbols remain, which are all clean with probability 1 when errors are
 * continuous-valued; n − Q errors are therefore detected. `adversarial` accepts up to ⌊(n − Q)/2⌋,
 * the unique-decoding radius. A verdict is never `clean` or `corrected` unless Q + 1 or more
 * symbols passed the final full-length test; errors below the thresholds may pass (masked), and
 * then move the result by at most the stated `bound`.
 *
 * Limits of the locator (it then answers `uncorrectable`, never a wrong message): beyond the sizes
 * searched exhaustively it relies on the errors spanning as many dimensions as there are wrong
 * symbols (true for continuous errors when a symbol has at least as many entries as there are
 * errors); errors confined to fewer entries than errors, e.g. t colluding symbols wrong in one
 * entry, are located only within the exhaustive search budget.
 *
 * A decode allocates no large buffers: the per-set data are cached, the data are swept in chunks
 * of 4,096 entries through workspaces sized at construction, and only the location path (taken
 * when errors are present) allocates small matrices.
 *
 * @example
 * ```ts
 * import { MdsDecoder } from "./decoder.ts";
 * import { gaussianSystematic } from "./generators.ts";
 * const g = gaussianSystematic(7, 5, 1);
 * const dec = new MdsDecoder(g, { length: 2000 });
 * // const r = dec.decode(symbols, null, { scale, epsilon }, outViews);
 * // r.verdict: "clean" | "corrected" | "uncorrectable"; r.located: indices of wrong symbols
 * ```
 *
 * @module
 */

import { Rng } from "../random/rng.ts";
import type { Float, Matrix } from "../tensor/matrix.ts";
import { zeros } from "../tensor/linalg.ts";
import { jsQuickMargin, type QuickMargin } from "../tensor/naive-quick-margin.ts";
import {
  absSum,
  buildCleanSet,
  type CleanSet,
  detectionBounds,
  outputBound,
  syndromeThresholds,
} from "./clean-set.ts";
import { locateSupport } from "./locator.ts";
import { checkTolerance, type DecodeTolerance } from "./tolerance.ts";

/** Error model the decoder assumes. */
export type DecodeMode = "probabilistic" | "adversarial";
/** The decode modes, for option schemas. */
export const DECODE_MODES: readonly DecodeMode[] = ["probabilistic", "adversarial"];
/** Outcome of a decode. */
export type Verdict = "clean" | "corrected" | "uncorrectable";
/** Erasure flags per symbol (truthy = missing). */
export type ErasureMask = ArrayLike<boolean | number>;

/** What {@link StageDecoder.decode} returns. */
export interface DecodeResult {
  /** `clean`: no error seen; `corrected`: `located` were wrong and left out; `uncorrectable`: roll back. */
  readonly verdict: Verdict;
  /** Symbols found wrong, increasing (also set when uncorrectable: those located before giving up). */
  readonly located: readonly number[];
  /** Number of erased symbols. */
  readonly erased: number;
  /**
   * Largest syndrome entry of the last test divided by its threshold (≤ 1 for an accepted set);
   * NaN or Infinity when a symbol held NaN or Infinity.
   */
  readonly margin: number;
  /**
   * For `clean` and `corrected`: the stated accuracy, a bound on |decoded − exact| per entry
   * (noise plus errors too small to detect in the symbols decoded from); NaN otherwise.
   */
  readonly bound: number;
  /** Why the stage is uncorrectable; empty otherwise. */
  readonly reason: string;
}

/** Error sizes the decoder guarantees to see, and the error it may leave. */
export interface ToleranceReport {
  /**
   * Per symbol: any error larger than this in a single entry of that symbol alone is detected
   * (NaN for erased symbols).
   */
  readonly detect: Float64Array;
  /** Bound on |decoded − exact| per message entry for a `clean` verdict (noise plus one masked error). */
  readonly output: number;
}

/** A decoder for one stage; implementations: {@link MdsDecoder}, the replication decoder. */
export interface StageDecoder {
  /** Entries per symbol. */
  readonly length: number;
  /** Error model. */
  readonly mode: DecodeMode;
  /** Message rows written to `out`, in order. */
  readonly wanted: readonly number[];
  /**
   * Decodes P symbols (views of at least `length` entries; erased ones are not read) into `out`
   * (one view per wanted message row). `out` is written only for `clean` and `corrected`.
   */
  decode(
    symbols: readonly Float[],
    erased: ErasureMask | null,
    tolerance: DecodeTolerance,
    out: readonly Float[],
  ): DecodeResult;
  /** The detection and output bounds for a tolerance (and erasure pattern). */
  report(tolerance: DecodeTolerance, erased?: ErasureMask | null): ToleranceReport;
}

/** Options of {@link MdsDecoder}. */
export interface DecoderOptions {
  /** Entries per symbol (for B > 1, the B·L entries of a symbol matrix, treated as one vector). */
  readonly length: number;
  /** Error model (default `probabilistic`). */
  readonly mode?: DecodeMode;
  /** Seed of the random projection directions (default 1). */
  readonly seed?: number;
  /** Message rows to decode, in output order (default all Q rows). */
  readonly wanted?: readonly number[];
  /** Supports the locator may test exhaustively per round (default 4096). */
  readonly searchBudget?: number;
  /**
   * Largest factor by which the output error bound of the symbols left after correction may
   * exceed that of all received symbols (default 10⁶); beyond it the stage is uncorrectable,
   * because the few symbols left cannot tell a small remaining error from none.
   */
  readonly maxBoundGrowth?: number;
  /**
   * Try the one-pass clean test before the full syndrome test (default true; the full test alone
   * is the reference the fast path is tested against).
   */
  readonly quickCheck?: boolean;
  /**
   * The one-pass clean test's margin (default: the JS reference `jsQuickMargin`,
   * lib/tensor/naive-quick-margin.ts; the wasm kernels' `syndromeMargin` gives the same margins bit
   * for bit, and therefore the same results).
   */
  readonly quickMargin?: QuickMargin;
}

const MAX_CACHED_SETS = 512;
/** Entries per chunk of the data sweeps. */
const CHUNK = 4096;
const U64 = 2 ** -53;

/** The real-number MDS decoder; see the module documentation. */
export class MdsDecoder implements StageDecoder {
  readonly length: number;
  readonly mode: DecodeMode;
  readonly wanted: readonly number[];
  readonly #g: Matrix;
  readonly #p: number;
  readonly #q: number;
  readonly #seed: number;
  readonly #budget: number;
  readonly #maxGrowth: number;
  readonly #quick: boolean;
  readonly #quickMargin: QuickMargin;
  readonly #rowNorm1: Float64Array;
  readonly #systematicOf: Int32Array;
  readonly #sets = new Map<string, CleanSet>();
  readonly #bounds = new WeakMap<CleanSet, { epsilon: number; value: number }>();
  /** Workspaces of {@link #bound}: thresholds (redundancy) and detection bounds (P). */
  readonly #boundThr: Float64Array;
  readonly #boundDetect: Float64Array;
  #full: CleanSet | null = null;
  readonly #state: Uint8Array;
  readonly #rows: Float[];
  readonly #thr: Float64Array;
  readonly #inv: Float64Array;
  /** Entries per chunk: the data are swept in chunks, so workspaces stay small for long symbols. */
  readonly #chunk: number;
  /** Syndrome rows of the current chunk (redundancy × chunk). */
  readonly #synChunk: Float64Array[];
  /** Per entry of the current chunk: largest |syndrome| / threshold. */
  readonly #scoreChunk: Float64Array;
  /** The worst entries seen (at most redundancy + 1), by decreasing score. */
  readonly #topIndex: Int32Array;
  readonly #topScore: Float64Array;
  #topCount = 0;
  /** Random ±1 projection directions, one bit per entry, made on first use. */
  #signs: Uint32Array | null = null;
  #flagged = 0;
  #nonFinite = false;
  #margin = 0;

  /** A decoder for the code with P × Q float64 generator `g`. */
  constructor(g: Matrix, options: DecoderOptions) {
    const {
      length,
      mode = "probabilistic",
      seed = 1,
      wanted,
      searchBudget = 4096,
      maxBoundGrowth = 1e6,
      quickCheck = true,
      quickMargin,
    } = options;
    this.#quick = quickCheck;
    this.#quickMargin = quickMargin ?? jsQuickMargin();
    if (!(Number.isInteger(length) && length >= 1)) {
      throw new RangeError(`symbol length must be ≥ 1, got ${length}`);
    }
    if (g.rows < g.cols) throw new RangeError(`a (P, Q) code needs P ≥ Q, got ${g.rows} × ${g.cols}`);
    this.#g = g.clone("float64");
    this.#p = g.rows;
    this.#q = g.cols;
    this.length = length;
    this.mode = mode;
    this.#seed = seed;
    this.#budget = searchBudget;
    this.#maxGrowth = maxBoundGrowth;
    this.wanted = wanted ? [...wanted] : Array.from({ length: g.cols }, (_, i) => i);
    for (const w of this.wanted) {
      if (!(Number.isInteger(w) && w >= 0 && w < g.cols)) {
        throw new RangeError(`wanted row ${w} outside 0..${g.cols - 1}`);
      }
    }
    this.#rowNorm1 = Float64Array.from({ length: g.rows }, (_, p) => absSum(g.row(p)));
    this.#systematicOf = systematicRows(this.#g);
    const r = g.rows - g.cols;
    this.#state = new Uint8Array(g.rows);
    this.#rows = new Array(g.rows);
    this.#thr = new Float64Array(r);
    this.#inv = new Float64Array(r);
    this.#boundThr = new Float64Array(r);
    this.#boundDetect = new Float64Array(g.rows);
    this.#chunk = Math.min(length, CHUNK);
    this.#synChunk = Array.from({ length: r }, () => new Float64Array(this.#chunk));
    this.#scoreChunk = new Float64Array(this.#chunk);
    this.#topIndex = new Int32Array(r + 1);
    this.#topScore = new Float64Array(r + 1);
  }

  /** The number of symbols P. */
  get symbols(): number {
    return this.#p;
  }

  decode(
    symbols: readonly Float[],
    erased: ErasureMask | null,
    tolerance: DecodeTolerance,
    out: readonly Float[],
  ): DecodeResult {
    checkTolerance(tolerance);
    const erasedCount = this.#markErasures(erased);
    this.#checkBuffers(symbols, out);
    const n = this.#p - erasedCount;
    const q = this.#q;
    if (n < q) {
      return verdictUncorrectable(
        [],
        erasedCount,
        NaN,
        `only ${n} of ${this.#p} symbols arrived, ${q} needed`,
      );
    }
    if (n === q) {
      return verdictUncorrectable(
        [],
        erasedCount,
        NaN,
        `only ${n} symbols arrived: no redundancy left to check them`,
      );
    }
    const maxLocated = this.mode === "probabilistic" ? n - q - 1 : Math.floor((n - q) / 2);
    const located: number[] = [];
    while (true) {
      const set = this.#setFor();
      syndromeThresholds(set, tolerance, this.#thr);
      // The common case first: one entry-major pass that only decides "every entry passes"
      // (same arithmetic as #check); anything else takes the full test.
      if (!(this.#quick && this.#quickClean(set, symbols))) this.#check(set, symbols);
      if (this.#flagged === 0) {
        if (located.length > 0) {
          // The remaining symbols must still verify the result about as well as all received ones.
          const received: number[] = [];
          for (let p = 0; p < this.#p; p++) if (this.#state[p] !== 1) received.push(p);
          const growth = this.#cachedBound(set, tolerance) /
            this.#cachedBound(this.#setOf(received), tolerance);
          if (!(growth <= this.#maxGrowth)) {
            return verdictUncorrectable(
              located,
              erasedCount,
              this.#margin,
              `the ${set.members.length} symbols left verify the result ${
                growth.toExponential(1)
              } times less tightly than all received (limit ${this.#maxGrowth})`,
            );
          }
        }
        this.#write(set, symbols, out);
        return this.#accepted(set, tolerance, located, erasedCount);
      }
      const budget = maxLocated - located.length;
      if (budget <= 0) {
        const why = located.length === 0
          ? `errors detected, but the ${this.mode} bound corrects none with ${n} symbols`
          : `errors remain after locating ${located.length} (the ${this.mode} bound is ${maxLocated})`;
        return verdictUncorrectable(located, erasedCount, this.#margin, why);
      }
      const found = this.#nonFinite
        ? this.#locateNonFinite(set, symbols, tolerance)
        : this.#locate(set, symbols, budget);
      if (found === null || found.length === 0 || found.length > budget) {
        return verdictUncorrectable(
          located,
          erasedCount,
          this.#margin,
          `no set of at most ${budget} more symbols explains the errors`,
        );
      }
      for (const p of found) {
        this.#state[p] = 2;
        located.push(p);
      }
    }
  }

  /** The result of an accepted set; its `bound` is worked out when first read ({@link AcceptedResult}). */
  #accepted(set: CleanSet, tolerance: DecodeTolerance, located: number[], erased: number): DecodeResult {
    const { scale, epsilon } = tolerance;
    return new AcceptedResult(
      located.length === 0 ? "clean" : "corrected",
      located.sort((a, b) => a - b),
      erased,
      this.#margin,
      () => this.#cachedBound(set, { scale, epsilon }),
    );
  }

  report(tolerance: DecodeTolerance, erased: ErasureMask | null = null): ToleranceReport {
    checkTolerance(tolerance);
    this.#markErasures(erased);
    const detect = new Float64Array(this.#p).fill(NaN);
    const members = this.#members();
    if (members.length <= this.#q) return { detect: detect.fill(Infinity), output: Infinity };
    const set = this.#setOf(members);
    const perMember = new Float64Array(set.members.length);
    const bound = this.#bound(set, tolerance, perMember);
    set.members.forEach((p, i) => (detect[p] = perMember[i]));
    return { detect, output: bound };
  }

  /**
   * The output bound of a set, recomputed only when the tolerance changed since the set's last
   * use (the bound is linear in scale, so it is cached per unit scale and epsilon).
   */
  #cachedBound(set: CleanSet, tolerance: DecodeTolerance): number {
    let perScale = this.#bounds.get(set);
    if (perScale === undefined || perScale.epsilon !== tolerance.epsilon) {
      const value = this.#bound(set, { scale: 1, epsilon: tolerance.epsilon }, this.#boundDetect);
      if (perScale === undefined) this.#bounds.set(set, perScale = { epsilon: tolerance.epsilon, value });
      perScale.epsilon = tolerance.epsilon;
      perScale.value = value;
    }
    return perScale.value * tolerance.scale;
  }

  /**
   * The output bound of a set under a tolerance; the detection bound of each member into
   * `perMember` (at least as long as the set). Allocates nothing: training decodes every stage,
   * and its tolerance changes with every update.
   */
  #bound(set: CleanSet, tolerance: DecodeTolerance, perMember: Float64Array): number {
    syndromeThresholds(set, tolerance, this.#boundThr);
    detectionBounds(set, this.#boundThr, perMember);
    return outputBound(set, tolerance, this.#rowNorm1, perMember);
  }

  /** Resets the state to "erased or present"; returns the number of erasures. */
  #markErasures(erased: ErasureMask | null): number {
    let count = 0;
    for (let p = 0; p < this.#p; p++) {
      const e = erased !== null && erased[p] ? 1 : 0;
      this.#state[p] = e;
      count += e;
    }
    return count;
  }

  #checkBuffers(symbols: readonly Float[], out: readonly Float[]): void {
    if (symbols.length !== this.#p) {
      throw new RangeError(`expected ${this.#p} symbols, got ${symbols.length}`);
    }
    for (let p = 0; p < this.#p; p++) {
      if (this.#state[p] === 0 && !(symbols[p]?.length >= this.length)) {
        throw new RangeError(`symbol ${p} has ${symbols[p]?.length} entries, expected ≥ ${this.length}`);
      }
    }
    if (out.length !== this.wanted.length) {
      throw new RangeError(`expected ${this.wanted.length} output views, got ${out.length}`);
    }
    for (let w = 0; w < out.length; w++) {
      if (!(out[w].length >= this.length)) {
        throw new RangeError(`output view has ${out[w].length} entries, expected ≥ ${this.length}`);
      }
    }
  }

  /** Symbols of the current state that are members (state 0: neither erased nor located). */
  #members(): number[] {
    const members: number[] = [];
    for (let p = 0; p < this.#p; p++) if (this.#state[p] === 0) members.push(p);
    return members;
  }

  /** The clean set of the current state, cached (no allocation when every symbol is a member). */
  #setFor(): CleanSet {
    if (this.#full !== null && this.#allMembers()) return this.#full;
    return this.#setOf(this.#members());
  }

  /** True when every symbol is a member (state 0): the common case, checked on every decode. */
  #allMembers(): boolean {
    for (let p = 0; p < this.#p; p++) if (this.#state[p] !== 0) return false;
    return true;
  }

  /** The clean set of `members`, cached. */
  #setOf(members: number[]): CleanSet {
    if (members.length === this.#p) {
      this.#full ??= buildCleanSet(this.#g, members, this.wanted, this.#systematicOf);
      return this.#full;
    }
    const key = members.join(",");
    let set = this.#sets.get(key);
    if (!set) {
      if (this.#sets.size >= MAX_CACHED_SETS) this.#sets.clear();
      set = buildCleanSet(this.#g, members, this.wanted, this.#systematicOf);
      this.#sets.set(key, set);
    }
    return set;
  }

  /**
   * The syndrome test of a set, chunk by chunk: S = H·Y_C, each entry against its threshold.
   * Sets the count of flagged entries, the margin (largest |S|/threshold), whether a non-finite
   * value appeared, and the worst entries (for the locator).
   */
  #check(set: CleanSet, symbols: readonly Float[]): void {
    const { members, redundancy: r, parity } = set;
    const n = members.length;
    const len = this.length;
    const score = this.#scoreChunk;
    const keep = Math.min(r + 1, this.#topIndex.length);
    for (let j = 0; j < r; j++) this.#inv[j] = 1 / this.#thr[j];
    let flagged = 0;
    let margin = 0;
    this.#topCount = 0;
    for (let start = 0; start < len; start += this.#chunk) {
      const m = Math.min(this.#chunk, len - start);
      score.fill(0, 0, m);
      for (let j = 0; j < r; j++) {
        const row = this.#synChunk[j];
        syndromeRow(row, parity, j * n, members, symbols, start, m);
        const inv = this.#inv[j];
        for (let l = 0; l < m; l++) {
          // An exact zero passes even a zero threshold (all-zero inputs give all-zero symbols).
          const a = Math.abs(row[l]);
          const w = a === 0 ? 0 : a * inv;
          if (w > score[l] || w !== w) score[l] = w;
        }
      }
      for (let l = 0; l < m; l++) {
        const worst = score[l];
        if (!(worst <= 1)) {
          flagged++;
          this.#offer(start + l, worst, keep);
        }
        if (worst > margin || worst !== worst) margin = worst;
      }
    }
    this.#flagged = flagged;
    this.#margin = margin;
    this.#nonFinite = !Number.isFinite(margin);
  }

  /**
   * The syndrome test's clean path for one or two syndrome rows (the grid codes): computes every
   * entry's syndromes in one pass, with the same float64 operations in the same order as
   * {@link #check} (the `quickMargin` option computes it). Returns true, with the margin set and
   * nothing flagged, when every entry passes; false (state untouched) when any entry fails or is
   * not finite, or for other redundancies.
   */
  #quickClean(set: CleanSet, symbols: readonly Float[]): boolean {
    const { members, redundancy: r, parity } = set;
    if (r > 2) return false;
    const n = members.length;
    const ys = this.#rows;
    for (let i = 0; i < n; i++) ys[i] = symbols[members[i]];
    const inv0 = 1 / this.#thr[0];
    const inv1 = r === 2 ? 1 / this.#thr[1] : 0;
    const margin = this.#quickMargin(ys, n, parity, inv0, inv1, r, this.length);
    if (!(margin <= 1)) return false;
    for (let j = 0; j < r; j++) this.#inv[j] = 1 / this.#thr[j];
    this.#flagged = 0;
    this.#margin = margin;
    this.#nonFinite = false;
    this.#topCount = 0;
    return true;
  }

  /** Keeps entry `index` among the `keep` worst seen (NaN counts as the worst). */
  #offer(index: number, score: number, keep: number): void {
    const s = score !== score ? Infinity : score;
    let i = this.#topCount;
    if (i === keep) {
      if (!(s > this.#topScore[keep - 1])) return;
      i = keep - 1;
    } else {
      this.#topCount++;
    }
    while (i > 0 && this.#topScore[i - 1] < s) {
      this.#topScore[i] = this.#topScore[i - 1];
      this.#topIndex[i] = this.#topIndex[i - 1];
      i--;
    }
    this.#topScore[i] = s;
    this.#topIndex[i] = index;
  }

  /** Writes the wanted message rows, decoded from the set's Q chosen symbols, in float64. */
  #write(set: CleanSet, symbols: readonly Float[], out: readonly Float[]): void {
    const q = this.#q;
    const len = this.length;
    const rows = this.#rows;
    for (let s = 0; s < q; s++) rows[s] = symbols[set.decodeFrom[s]];
    for (let w = 0; w < this.wanted.length; w++) {
      const o = out[w];
      const src = set.copyFrom[w];
      if (src >= 0) {
        // A copy with o's rounding, as o[l] = y[l] (no view: this runs for every decoded stage).
        const y = symbols[src];
        if (y.length === len) o.set(y);
        else for (let l = 0; l < len; l++) o[l] = y[l];
        continue;
      }
      const base = w * q;
      for (let l = 0; l < len; l++) {
        let acc = 0;
        for (let s = 0; s < q; s++) acc += set.decodeRows[base + s] * rows[s][l];
        o[l] = acc;
      }
    }
  }

  /** Seeded random ±1 directions (one bit per entry), one per possible syndrome row. */
  #directionSigns(): Uint32Array {
    if (this.#signs === null) {
      const rng = Rng.named(this.#seed, "decoder-directions");
      const words = Math.ceil(this.length / 32);
      this.#signs = Uint32Array.from({ length: (this.#p - this.#q) * words }, () => rng.nextUint32());
    }
    return this.#signs;
  }

  /**
   * Location round: whitened syndrome columns → smallest consistent support (symbol indices).
   * The columns are the worst entries' syndromes and the projections of all syndromes on random
   * ±1 directions. Each column carries its own float64 rounding bound (`slack`, whitened), so
   * that large errors do not hide small ones behind a relative allowance.
   */
  #locate(set: CleanSet, symbols: readonly Float[], maxSize: number): number[] | null {
    const { members, redundancy: r, parity } = set;
    const n = members.length;
    const len = this.length;
    const inv = this.#inv;
    const rounding = 4 * (n + 1) * U64;
    const top = Array.from(this.#topIndex.subarray(0, this.#topCount));
    const k = r;
    const z = zeros(r, top.length + k);
    const slack = new Float64Array(top.length + k);
    top.forEach((l, c) => {
      let sl = 0;
      for (let j = 0; j < r; j++) {
        let s = 0;
        let a = 0;
        for (let i = 0; i < n; i++) {
          const v = parity[j * n + i] * symbols[members[i]][l];
          s += v;
          a += Math.abs(v);
        }
        z.set(j, c, s * inv[j]);
        sl = Math.hypot(sl, rounding * a * inv[j]);
      }
      slack[c] = sl;
    });
    // Projections, chunk by chunk: Σ_l ±S[j][l], with Σ|S| and Σ|H|·|Y| for their rounding.
    const signs = this.#directionSigns();
    const words = Math.ceil(len / 32);
    const proj = new Float64Array(k * r);
    const abs = new Float64Array(k * r);
    const absRounding = new Float64Array(k * r);
    const absRow = new Float64Array(this.#chunk);
    for (let start = 0; start < len; start += this.#chunk) {
      const m = Math.min(this.#chunk, len - start);
      for (let j = 0; j < r; j++) {
        const row = this.#synChunk[j];
        syndromeRow(row, parity, j * n, members, symbols, start, m);
        absRow.fill(0, 0, m);
        for (let i = 0; i < n; i++) {
          const h = Math.abs(parity[j * n + i]);
          const y = symbols[members[i]];
          for (let l = 0; l < m; l++) absRow[l] += h * Math.abs(y[start + l]);
        }
        for (let d = 0; d < k; d++) {
          let sum = 0;
          let sumAbs = 0;
          let sumRounding = 0;
          for (let l = 0; l < m; l++) {
            const e = start + l;
            const v = row[l];
            sum += (signs[d * words + (e >>> 5)] >>> (e & 31)) & 1 ? v : -v;
            sumAbs += Math.abs(v);
            sumRounding += absRow[l];
          }
          proj[d * r + j] += sum;
          abs[d * r + j] += sumAbs;
          absRounding[d * r + j] += sumRounding;
        }
      }
    }
    for (let d = 0; d < k; d++) {
      let sl = 0;
      for (let j = 0; j < r; j++) {
        const w = inv[j] / len;
        z.set(j, top.length + d, proj[d * r + j] * w);
        sl = Math.hypot(sl, ((len + 2) * U64 * abs[d * r + j] + rounding * absRounding[d * r + j]) * w);
      }
      slack[top.length + d] = sl;
    }
    const hw = zeros(r, n);
    for (let j = 0; j < r; j++) for (let i = 0; i < n; i++) hw.set(j, i, parity[j * n + i] * inv[j]);
    const support = locateSupport(hw, z, { maxSize: Math.min(maxSize, r - 1), budget: this.#budget, slack });
    return support === null ? null : support.map((i) => members[i]);
  }

  /**
   * Symbols holding NaN, ±Infinity, or an entry beyond what any clean symbol can reach
   * (twice `scale · ‖G[p]‖₁ · (1 + ε)`): certainly wrong, located without a search.
   */
  #locateNonFinite(set: CleanSet, symbols: readonly Float[], tol: DecodeTolerance): number[] {
    const found: number[] = [];
    for (const p of set.members) {
      const bound = 2 * tol.scale * this.#rowNorm1[p] * (1 + tol.epsilon);
      const y = symbols[p];
      for (let l = 0; l < this.length; l++) {
        if (!(Math.abs(y[l]) <= bound)) {
          found.push(p);
          break;
        }
      }
    }
    return found;
  }
}

/** row[l] = Σ_i h[offset + i] · symbols[members[i]][start + l] for l < m, one axpy per symbol. */
function syndromeRow(
  row: Float64Array,
  h: Float64Array,
  offset: number,
  members: Int32Array,
  symbols: readonly Float[],
  start: number,
  m: number,
): void {
  row.fill(0, 0, m);
  for (let i = 0; i < members.length; i++) {
    const c = h[offset + i];
    const y = symbols[members[i]];
    if (y instanceof Float32Array) axpy32(row, c, y, start, m);
    else axpy64(row, c, y, start, m);
  }
}

/** row[l] += c·y[start + l] (float32 y); kept monomorphic for the JIT. */
function axpy32(row: Float64Array, c: number, y: Float32Array, start: number, m: number): void {
  for (let l = 0; l < m; l++) row[l] += c * y[start + l];
}

/** row[l] += c·y[start + l] (float64 y). */
function axpy64(row: Float64Array, c: number, y: Float64Array, start: number, m: number): void {
  for (let l = 0; l < m; l++) row[l] += c * y[start + l];
}

/** For each message row q, the symbol whose generator row is the unit vector e_q (or −1). */
export function systematicRows(g: Matrix): Int32Array {
  const of = new Int32Array(g.cols).fill(-1);
  for (let p = 0; p < g.rows; p++) {
    let one = -1;
    let unit = true;
    for (let k = 0; k < g.cols && unit; k++) {
      const v = g.get(p, k);
      if (v === 1 && one < 0) one = k;
      else if (v !== 0) unit = false;
    }
    if (unit && one >= 0 && of[one] < 0) of[one] = p;
  }
  return of;
}

/**
 * An accepted decode whose `bound` is worked out when first read: training reads only the verdict
 * and the located symbols, and the bound changes with every update's tolerance. A class rather
 * than an object literal with a getter, which V8 builds in its runtime (about 50 µs per node and
 * iteration of the bench's net under `perf`).
 */
class AcceptedResult implements DecodeResult {
  readonly reason = "";
  #bound: number | undefined;
  readonly #boundOf: () => number;

  constructor(
    readonly verdict: Verdict,
    readonly located: readonly number[],
    readonly erased: number,
    readonly margin: number,
    boundOf: () => number,
  ) {
    this.#boundOf = boundOf;
  }

  get bound(): number {
    return this.#bound ??= this.#boundOf();
  }
}

function verdictUncorrectable(
  located: number[],
  erased: number,
  margin: number,
  reason: string,
): DecodeResult {
  return {
    verdict: "uncorrectable",
    located: located.sort((a, b) => a - b),
    erased,
    margin,
    bound: NaN,
    reason,
  };
}
