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
