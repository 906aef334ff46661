/**
 * WebAssembly text for the Philox4x32-10 block filler: consecutive blocks of one stream written
 * to memory, four 32-bit words per block, with the 32×32→64-bit products of each round done in
 * one i64 multiplication. Naive reference: `philox4x32` / `philoxBlocks` (lib/random/philox.ts).
 *
 * `philox_blocks(k0, k1, lo, hi, count, dst)`: for c = first … first + count − 1, with
 * first = hi·2³² + lo, writes the block for key (k0, k1) and counter (c mod 2³², ⌊c / 2³²⌋, 0, 0)
 * to `dst + 16·(c − first)` (words in order, little-endian): exactly what `Rng.nextUint32` draws
 * from block c of the stream. The ten rounds are unrolled, with the round keys folded into
 * constants added to k0 and k1.
 *
 * @module
 */

import { get } from "./wat-text.ts";

/** Philox4x32 multipliers and Weyl key increments (Salmon et al. 2011). */
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const ROUNDS = 10;

/** `(i64.extend_i32_u x)`. */
function u64(x: string): string {
  return `(i64.extend_i32_u ${x})`;
}

/** High 32 bits of an i64 expression as i32. */
function hi32(x: string): string {
  return `(i32.wrap_i64 (i64.shr_u ${x} (i64.const 32)))`;
}

/** `key + r·increment` (mod 2³²) as an i32 expression. */
function roundKey(key: string, increment: number, round: number): string {
  const bump = Number((BigInt(round) * BigInt(increment)) % 4294967296n) | 0;
  return bump === 0 ? get(key) : `(i32.add ${get(key)} (i32.const ${bump}))`;
}

/** One Philox round on the state ($x0 … $x3) with the round-`r` key. */
function round(r: number): string {
  return `(local.set $p0 (i64.mul (i64.const ${M0}) ${u64(get("$x0"))}))
    (local.set $p1 (i64.mul (i64.const ${M1}) ${u64(get("$x2"))}))
    (local.set $x0 (i32.xor (i32.xor ${hi32(get("$p1"))} ${get("$x1")}) ${roundKey("$k0", W0, r)}))
    (local.set $x1 (i32.wrap_i64 ${get("$p1")}))
    (local.set $x2 (i32.xor (i32.xor ${hi32(get("$p0"))} ${get("$x3")}) ${roundKey("$k1", W1, r)}))
    (local.set $x3 (i32.wrap_i64 ${get("$p0")}))`;
}

/** The block filler (one function, independent of the storage precision). */
export function philoxWat(): string {
  const rounds = Array.from({ length: ROUNDS }, (_, r) => round(r)).join("\n    ");
  return `
(func (export "philox_blocks")
  (param $k0 i32) (param $k1 i32) (param $lo i32) (param $hi i32) (param $count i32) (param $dst i32)
  (local $c i64) (local $end i32) (local $p0 i64) (local $p1 i64)
  (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
  (local.set $c (i64.or (i64.shl ${u64(get("$hi"))} (i64.const 32)) ${u64(get("$lo"))}))
  (local.set $end (i32.add ${get("$dst")} (i32.shl ${get("$count")} (i32.const 4))))
  (block $done (loop $next
    (br_if $done (i32.ge_u ${get("$dst")} ${get("$end")}))
    (local.set $x0 (i32.wrap_i64 ${get("$c")}))
    (local.set $x1 ${hi32(get("$c"))})
    (local.set $x2 (i32.const 0))
    (local.set $x3 (i32.const 0))
    ${rounds}
    (i32.store offset=0 ${get("$dst")} ${get("$x0")})
    (i32.store offset=4 ${get("$dst")} ${get("$x1")})
    (i32.store offset=8 ${get("$dst")} ${get("$x2")})
    (i32.store offset=12 ${get("$dst")} ${get("$x3")})
    (local.set $dst (i32.add ${get("$dst")} (i32.const 16)))
    (local.set $c (i64.add ${get("$c")} (i64.const 1)))
    (br $next)))
)`;
}

/** The block filler's export: pointers and words as numbers (i32 parameters take any uint32). */
export type PhiloxBlocksExport = (
  k0: number,
  k1: number,
  lo: number,
  hi: number,
  count: number,
  dst: number,
) => void;
