/**
 * Philox4x32-10, the counter-based generator of Salmon et al. (SC 2011), as used by cuRAND, JAX
 * and PyTorch. A (key, counter) pair maps to four independent 32-bit words, so any position of
 * any stream can be drawn directly: this is what lets every node generate exactly its own blocks
 * of the initial weights, and derive its own fault stream from (seed, node id).
 *
 * @module
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO_32 = 4294967296;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers (exact in float64). */
function mulHi(a: number, b: number): number {
  const lo = (b & 0xffff) * a;
  const mid = (b >>> 16) * a + Math.floor(lo / 65536);
  return Math.floor(mid / 65536) >>> 0;
}

/**
 * Fills `out[0..3]` with the Philox4x32-10 block for `key` and `counter`.
 *
 * @example
 * ```ts
 * import { philox4x32 } from "./philox.ts";
 * const out = new Uint32Array(4);
 * philox4x32(0, 0, 0, 0, 0, 0, out);
 * // Known-answer vector of the Random123 distribution:
 * // out = [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 * ```
 */
export function philox4x32(
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  out: Uint32Array,
): void {
  k0 >>>= 0;
  k1 >>>= 0;
  c0 >>>= 0;
  c1 >>>= 0;
  c2 >>>= 0;
  c3 >>>= 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulHi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulHi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    const n0 = (hi1 ^ c1 ^ k0) >>> 0;
    const n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/**
 * A source of consecutive Philox4x32-10 blocks: writes the blocks for key (k0, k1) and counters
 * c = first … first + count − 1 (counter words c mod 2³², ⌊c / 2³²⌋, 0, 0, as `Rng.nextUint32`
 * uses them) to `out[4·(c − first) …]`. {@link philoxBlocks} is the reference; the wasm kernels'
 * `philoxBlocks` is the fast one.
 */
export type PhiloxBlockFill = (
  k0: number,
  k1: number,
  first: number,
  count: number,
  out: Uint32Array,
) => void;

/** Checks the arguments every {@link PhiloxBlockFill} takes; throws a RangeError naming the problem. */
export function checkPhiloxBlocks(first: number, count: number, out: Uint32Array): void {
  if (!Number.isSafeInteger(first) || first < 0 || !Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`Philox blocks need integer first ≥ 0 and count ≥ 0, got ${first} and ${count}`);
  }
  if (count > 2 ** 53 - first) {
    throw new RangeError(`Philox counters ${first} … ${first} + ${count} − 1 pass 2^53 − 1`);
  }
  if (out.length < 4 * count) {
    throw new RangeError(`${count} Philox blocks need ${4 * count} words, the output has ${out.length}`);
  }
}

/** The reference {@link PhiloxBlockFill}: one {@link philox4x32} call per block. */
export const philoxBlocks: PhiloxBlockFill = (k0, k1, first, count, out) => {
  checkPhiloxBlocks(first, count, out);
  const block = new Uint32Array(4);
  for (let b = 0; b < count; b++) {
    const c = first + b;
    philox4x32(k0, k1, c % TWO_32, Math.floor(c / TWO_32), 0, 0, block);
    out.set(block, 4 * b);
  }
};
