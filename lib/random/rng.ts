/**
 * The one random generator of the toolkit: a seeded, counter-based stream over Philox4x32-10.
 *
 * A stream is named by `(seed, stream)`. Node `p` draws from `Rng.forNode(seed, p)`; shared draws
 * (initial weights, generators, data order) use named streams such as `Rng.named(seed, "init")`.
 * Because the generator is counter-based, `Rng.at(...)` reads any position of a stream directly.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const a = Rng.forNode(1, 3);
 * const b = Rng.forNode(1, 3);
 * a.next() === b.next(); // true: same seed and node give the same numbers
 * ```
 *
 * @module
 */

import { philox4x32, type PhiloxBlockFill, philoxBlocks } from "./philox.ts";

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/** FNV-1a hash of a string with the top bit set, so named streams never collide with node ids. */
export function streamId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h | 0x80000000) >>> 0;
}

/** Splits a seed (any safe non-negative integer) into the two 32-bit key words' first word. */
function seedWord(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  }
  return (seed % TWO_32) ^ Math.floor(seed / TWO_32);
}

/**
 * The uniform double in [0, 1) with 53 random bits that {@link Rng.next} makes of two consecutive
 * words: 27 bits of the first, 26 of the second.
 */
export function uniform53(first: number, second: number): number {
  return ((first >>> 5) * 67108864 + (second >>> 6)) / TWO_53;
}

/** A saved position of an {@link Rng} (plain JSON). */
export interface RngState {
  readonly seed: number;
  readonly stream: number;
  readonly counter: number;
  readonly index: number;
  readonly spareNormal: number | null;
}

/** A seeded stream of random numbers; see the module documentation. */
export class Rng {
  /** The seed this stream was made from. */
  readonly seed: number;
  /** The 32-bit stream id (node id, or `streamId(name)`). */
  readonly stream: number;
  readonly #k0: number;
  #counter: number;
  readonly #block = new Uint32Array(4);
  #index = 4;
  #spareNormal: number | undefined;

  /** Stream `stream` (a 32-bit integer) of `seed`, starting at block `position` (default 0). */
  constructor(seed: number, stream = 0, position = 0) {
    this.seed = seed;
    this.stream = stream >>> 0;
    this.#k0 = seedWord(seed) >>> 0;
    this.#counter = position;
  }

  /** The independent stream of node `node` (0-based id). */
  static forNode(seed: number, node: number): Rng {
    return new Rng(seed, node);
  }

  /** A stream named by a string (for shared draws: "init", "generator", "data", ...). */
  static named(seed: number, name: string): Rng {
    return new Rng(seed, streamId(name));
  }

  /** The same stream restarted at block `position` (skip-ahead without drawing; 4 words per block). */
  at(position: number): Rng {
    return new Rng(this.seed, this.stream, position);
  }

  /** The exact position of this stream, to save in a checkpoint and {@link Rng.restore} later. */
  save(): RngState {
    return {
      seed: this.seed,
      stream: this.stream,
      counter: this.#counter,
      index: this.#index,
      spareNormal: this.#spareNormal ?? null,
    };
  }

  /** A generator continuing exactly where {@link Rng.save} left off. */
  static restore(state: RngState): Rng {
    const r = new Rng(state.seed, state.stream, state.index === 4 ? state.counter : state.counter - 1);
    if (state.index !== 4) {
      r.nextUint32(); // refill the current block
      r.#index = state.index;
    }
    r.#spareNormal = state.spareNormal ?? undefined;
    return r;
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    if (this.#index === 4) {
      const c = this.#counter++;
      philox4x32(this.#k0, this.stream, c % TWO_32, Math.floor(c / TWO_32), 0, 0, this.#block);
      this.#index = 0;
    }
    return this.#block[this.#index++];
  }

  /**
   * The words of blocks `position` … `position + count − 1` of this stream, four per block, into
   * `out[0 … 4·count − 1]`: what `at(position)` would return from 4·count calls of
   * {@link Rng.nextUint32}, without moving this stream. `fill` computes them (default: the
   * reference {@link philoxBlocks}; the wasm kernels' `philoxBlocks` is faster).
   */
  blocks(position: number, count: number, out: Uint32Array, fill: PhiloxBlockFill = philoxBlocks): void {
    fill(this.#k0, this.stream, position, count, out);
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const first = this.nextUint32();
    return uniform53(first, this.nextUint32());
  }

  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling). */
  int(n: number): number {
    if (!(n >= 1 && n <= TWO_32 && Number.isInteger(n))) {
      throw new RangeError(`int(n) needs 1 ≤ n ≤ 2^32, got ${n}`);
    }
    const limit = TWO_32 - (TWO_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Standard normal draw (Box–Muller, both values used). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const s = this.#spareNormal;
      this.#spareNormal = undefined;
      return s;
    }
    let u = this.next();
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** `k` distinct integers from [0, n), in increasing order. */
  sample(n: number, k: number): number[] {
    if (k > n) throw new RangeError(`cannot sample ${k} distinct values from ${n}`);
    const picked = new Set<number>();
    // Floyd's algorithm: exactly k draws.
    for (let j = n - k; j < n; j++) {
      const t = this.int(j + 1);
      picked.add(picked.has(t) ? j : t);
    }
    return [...picked].sort((x, y) => x - y);
  }
}
