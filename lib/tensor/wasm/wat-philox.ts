/**
 * WebAssembly text for the Philox4x32-10 block filler: consecutive blocks of one stream written
 * to memory, four 32-bit words per block, with the 32×32→64-bit products of each round done in
 * one i64 multiplication. Naive reference: `philox4x32` / `philoxBlocks` (lib/random/philox.ts).
 *
 * `philox_blocks(k0, k1, lo, hi, count, dst)`: for c = first … first + count − 1, with
 * first = hi·2³² + lo, writes the block for key (k0, k1) and counter (c mod 2³², ⌊c / 2³²⌋, 0, 0)
 * to `dst + 16·(c − first)` (words in order, little-endian): exactly what `Rng.nextUint32` draws
 * from block c of the stream. Four blocks at a time in SIMD (block j in lane j; the products by
 * `i64x2.extmul_{low,high}_i32x4_u`), the remaining 0–3 blocks one at a time with `i64.mul`. The
 * ten rounds are unrolled, with the round keys folded into constants added to k0 and k1.
 *
 * @module
 */

import { get, locals, shuffleLanes } from "./wat-text.ts";

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

/** `v128.const` with the same i32 in every lane. */
function splat4(x: number): string {
  const v = x | 0;
  return `(v128.const i32x4 ${v} ${v} ${v} ${v})`;
}

/** `i8x16.shuffle` of two v128 expressions picking the given i32 lanes (0–3 of a, 4–7 of b). */
function pick(a: string, b: string, lanes: readonly number[]): string {
  return `(i8x16.shuffle ${shuffleLanes(4, lanes)} ${a} ${b})`;
}

const EVEN = [0, 2, 4, 6];
const ODD = [1, 3, 5, 7];

/** The round-`r` key vector from the splatted key `key` (as {@link roundKey}). */
function roundKeyVector(key: string, increment: number, round: number): string {
  const bump = Number((BigInt(round) * BigInt(increment)) % 4294967296n) | 0;
  return bump === 0 ? get(key) : `(i32x4.add ${get(key)} ${splat4(bump)})`;
}

/**
 * One Philox round on four blocks at once, block j in lane j of $v0 … $v3: the 32×32→64-bit
 * products with `i64x2.extmul_{low,high}_i32x4_u`, their high and low words regathered by lane.
 */
function vectorRound(r: number): string {
  const products = (m: number, x: string, hi: string, lo: string) =>
    `(local.set $pa (i64x2.extmul_low_i32x4_u ${splat4(m)} ${get(x)}))
    (local.set $pb (i64x2.extmul_high_i32x4_u ${splat4(m)} ${get(x)}))
    (local.set ${hi} ${pick(get("$pa"), get("$pb"), ODD)})
    (local.set ${lo} ${pick(get("$pa"), get("$pb"), EVEN)})`;
  return `${products(M0, "$v0", "$h0", "$l0")}
    ${products(M1, "$v2", "$h1", "$l1")}
    (local.set $v0 (v128.xor (v128.xor ${get("$h1")} ${get("$v1")}) ${roundKeyVector("$kv0", W0, r)}))
    (local.set $v1 ${get("$l1")})
    (local.set $v2 (v128.xor (v128.xor ${get("$h0")} ${get("$v3")}) ${roundKeyVector("$kv1", W1, r)}))
    (local.set $v3 ${get("$l0")})`;
}

/**
 * Four blocks at $dst from counters $c … $c + 3: the counter words by lane, ten vector rounds,
 * then a 4 × 4 transpose so that each block's words are stored together.
 */
function fourBlocks(): string {
  const counters = (offsets: string) =>
    `(i64x2.add (i64x2.splat ${get("$c")}) (v128.const i64x2 ${offsets}))`;
  const rounds = Array.from({ length: ROUNDS }, (_, r) => vectorRound(r)).join("\n    ");
  return `(local.set $pa ${counters("0 1")})
    (local.set $pb ${counters("2 3")})
    (local.set $v0 ${pick(get("$pa"), get("$pb"), EVEN)})
    (local.set $v1 ${pick(get("$pa"), get("$pb"), ODD)})
    (local.set $v2 (v128.const i64x2 0 0))
    (local.set $v3 (v128.const i64x2 0 0))
    ${rounds}
    (local.set $h0 ${pick(get("$v0"), get("$v1"), [0, 4, 1, 5])})
    (local.set $h1 ${pick(get("$v2"), get("$v3"), [0, 4, 1, 5])})
    (local.set $l0 ${pick(get("$v0"), get("$v1"), [2, 6, 3, 7])})
    (local.set $l1 ${pick(get("$v2"), get("$v3"), [2, 6, 3, 7])})
    (v128.store offset=0 ${get("$dst")} ${pick(get("$h0"), get("$h1"), [0, 1, 4, 5])})
    (v128.store offset=16 ${get("$dst")} ${pick(get("$h0"), get("$h1"), [2, 3, 6, 7])})
    (v128.store offset=32 ${get("$dst")} ${pick(get("$l0"), get("$l1"), [0, 1, 4, 5])})
    (v128.store offset=48 ${get("$dst")} ${pick(get("$l0"), get("$l1"), [2, 3, 6, 7])})`;
}

/** One block at $dst from counter $c, in scalar i32/i64 (the tail of a call). */
function oneBlock(): string {
  const rounds = Array.from({ length: ROUNDS }, (_, r) => round(r)).join("\n    ");
  return `(local.set $x0 (i32.wrap_i64 ${get("$c")}))
    (local.set $x1 ${hi32(get("$c"))})
    (local.set $x2 (i32.const 0))
    (local.set $x3 (i32.const 0))
    ${rounds}
    (i32.store offset=0 ${get("$dst")} ${get("$x0")})
    (i32.store offset=4 ${get("$dst")} ${get("$x1")})
    (i32.store offset=8 ${get("$dst")} ${get("$x2")})
    (i32.store offset=12 ${get("$dst")} ${get("$x3")})`;
}

/** The block filler (one function, independent of the storage precision). */
export function philoxWat(): string {
  return `
(func (export "philox_blocks")
  (param $k0 i32) (param $k1 i32) (param $lo i32) (param $hi i32) (param $count i32) (param $dst i32)
  (local $c i64) (local $end i32) (local $p0 i64) (local $p1 i64)
  (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
  ${locals("v128", ["$kv0", "$kv1", "$v0", "$v1", "$v2", "$v3", "$pa", "$pb", "$h0", "$h1", "$l0", "$l1"])}
  (local.set $c (i64.or (i64.shl ${u64(get("$hi"))} (i64.const 32)) ${u64(get("$lo"))}))
  (local.set $end (i32.add ${get("$dst")} (i32.shl ${get("$count")} (i32.const 4))))
  (local.set $kv0 (i32x4.splat ${get("$k0")}))
  (local.set $kv1 (i32x4.splat ${get("$k1")}))
  (block $done4 (loop $next4
    (br_if $done4 (i32.lt_u (i32.sub ${get("$end")} ${get("$dst")}) (i32.const 64)))
    ${fourBlocks()}
    (local.set $dst (i32.add ${get("$dst")} (i32.const 64)))
    (local.set $c (i64.add ${get("$c")} (i64.const 4)))
    (br $next4)))
  (block $done (loop $next
    (br_if $done (i32.ge_u ${get("$dst")} ${get("$end")}))
    ${oneBlock()}
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
