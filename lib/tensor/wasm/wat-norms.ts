/**
 * WebAssembly text for the hot loop of the node program's norm tracking (reference:
 * lib/tensor/naive-norms.ts; the tracking itself: lib/cluster/node/norms.ts): the one-sample
 * update of squared norms, which also returns their largest entry (one pass instead of two), and
 * the squared norm of a vector (the update's ‖x‖² and the tolerance's input norms). They walk flat
 * arrays, a SIMD step at a time, then element by element. Products and sums are separate `mul` and
 * `add` (never fused), in the reference's order, so that the results are the reference's bit for bit.
 *
 * @module
 */

import { bump, countDown, get, highHalf, i32, type WatPrecision } from "./wat-text.ts";

/** The norm kernels for one precision. */
export function normsWat(p: WatPrecision): string {
  return normUpdate(p) + squaredNorm(p);
}

/**
 * `squared_norm_<t>(n, px) → f64`: Σ x[k]² over k < n in float64, in the reference's order
 * (`naiveNormKernels.squaredNorm`): two f64x2 accumulators take entries k, k+1 and k+2, k+3 of
 * every group of four, their sum's two lanes are added, then the last n mod 4 entries one by one.
 */
function squaredNorm(p: WatPrecision): string {
  const { s } = p;
  const f32 = s === "f32";
  const square = (acc: string, x: string) =>
    `(local.set ${acc} (f64x2.add ${get(acc)} (f64x2.mul ${x} ${x})))`;
  const step = f32
    ? `(local.set $v (v128.load ${get("$xp")}))
      (local.set $lo (f64x2.promote_low_f32x4 ${get("$v")}))
      (local.set $hi (f64x2.promote_low_f32x4 ${highHalf(get("$v"))}))
      ${square("$a", get("$lo"))}
      ${square("$b", get("$hi"))}
      ${bump("$xp", i32(16))}`
    : `(local.set $lo (v128.load ${get("$xp")}))
      (local.set $hi (v128.load offset=16 ${get("$xp")}))
      ${square("$a", get("$lo"))}
      ${square("$b", get("$hi"))}
      ${bump("$xp", i32(32))}`;
  const widen = (x: string) => (f32 ? `(f64.promote_f32 ${x})` : x);
  return `
(func (export "squared_norm_${s}") (param $n i32) (param $px i32) (result f64)
  (local $q i32) (local $xp i32) (local $x f64) (local $t f64)
  (local $a v128) (local $b v128) (local $v v128) (local $lo v128) (local $hi v128)
  (local.set $xp ${get("$px")})
  (local.set $q ${get("$n")})
  ${countDown("$q", 4, step)}
  (local.set $a (f64x2.add ${get("$a")} ${get("$b")}))
  (local.set $t (f64.add (f64x2.extract_lane 0 ${get("$a")}) (f64x2.extract_lane 1 ${get("$a")})))
  ${
    countDown(
      "$q",
      1,
      `(local.set $x ${widen(`(${s}.load ${get("$xp")})`)})
      (local.set $t (f64.add ${get("$t")} (f64.mul ${get("$x")} ${get("$x")})))
      ${bump("$xp", i32(p.bytes))}`,
    )
  }
  ${get("$t")})`;
}

/**
 * `norm_update_<t>(n, psq, pv, pw, a2, aa, g) → f64`: for i < n with v[i] ≠ 0,
 * sq[i] ← sq[i] + (a2·(v[i]·w[i]) + aa·((v[i]·v[i])·g)), in float64 (sq is f64, v and w the storage
 * type). Lanes with v[i] = 0 keep sq[i] untouched (even when w[i] is not finite). Returns the
 * largest sq[i] after the update and 0, NaN entries skipped (the reference's `if (x > m) m = x`
 * from m = 0): `pmax(m, x)` is exactly that step, lane by lane.
 */
function normUpdate(p: WatPrecision): string {
  const { s } = p;
  const f32 = s === "f32";
  const pair = (sqOffset: number, v: string, w: string) =>
    `(local.set $sq (v128.load offset=${sqOffset} ${get("$sp")}))
    (local.set $x ${v})
    (local.set $y (f64x2.add ${get("$sq")} (f64x2.add
      (f64x2.mul ${get("$a2")} (f64x2.mul ${get("$x")} ${w}))
      (f64x2.mul ${get("$aa")} (f64x2.mul (f64x2.mul ${get("$x")} ${get("$x")}) ${get("$g")})))))
    (local.set $y (v128.bitselect ${get("$y")} ${get("$sq")} (f64x2.ne ${get("$x")} (v128.const i64x2 0 0))))
    (v128.store offset=${sqOffset} ${get("$sp")} ${get("$y")})
    (local.set $m (f64x2.pmax ${get("$m")} ${get("$y")}))`;
  const step = f32
    ? `(local.set $vv (v128.load ${get("$vp")}))
      (local.set $ww (v128.load ${get("$wp")}))
      ${pair(0, `(f64x2.promote_low_f32x4 ${get("$vv")})`, `(f64x2.promote_low_f32x4 ${get("$ww")})`)}
      ${
      pair(
        16,
        `(f64x2.promote_low_f32x4 ${highHalf(get("$vv"))})`,
        `(f64x2.promote_low_f32x4 ${highHalf(get("$ww"))})`,
      )
    }
      ${bump("$vp", i32(16))} ${bump("$wp", i32(16))} ${bump("$sp", i32(32))}`
    : `${pair(0, `(v128.load ${get("$vp")})`, `(v128.load ${get("$wp")})`)}
      ${bump("$vp", i32(16))} ${bump("$wp", i32(16))} ${bump("$sp", i32(16))}`;
  const widen = (x: string) => (f32 ? `(f64.promote_f32 ${x})` : x);
  return `
(func (export "norm_update_${s}")
  (param $n i32) (param $psq i32) (param $pv i32) (param $pw i32) (param $sa2 f64) (param $saa f64) (param $sg f64)
  (result f64)
  (local $q i32) (local $sp i32) (local $vp i32) (local $wp i32) (local $v f64) (local $t f64) (local $y1 f64)
  (local $a2 v128) (local $aa v128) (local $g v128) (local $sq v128) (local $x v128) (local $y v128)
  (local $vv v128) (local $ww v128) (local $m v128)
  (local.set $m (v128.const i64x2 0 0))
  (local.set $a2 (f64x2.splat ${get("$sa2")}))
  (local.set $aa (f64x2.splat ${get("$saa")}))
  (local.set $g (f64x2.splat ${get("$sg")}))
  (local.set $sp ${get("$psq")})
  (local.set $vp ${get("$pv")})
  (local.set $wp ${get("$pw")})
  (local.set $q ${get("$n")})
  ${countDown("$q", f32 ? 4 : 2, step)}
  ${
    countDown(
      "$q",
      1,
      `(local.set $v ${widen(`(${s}.load ${get("$vp")})`)})
      (if (f64.ne ${get("$v")} (f64.const 0)) (then
        (f64.store ${get("$sp")} (f64.add (f64.load ${get("$sp")}) (f64.add
          (f64.mul ${get("$sa2")} (f64.mul ${get("$v")} ${widen(`(${s}.load ${get("$wp")})`)}))
          (f64.mul ${get("$saa")} (f64.mul (f64.mul ${get("$v")} ${get("$v")}) ${get("$sg")})))))))
      (local.set $y1 (f64.load ${get("$sp")}))
      (if (f64.gt ${get("$y1")} ${get("$t")}) (then (local.set $t ${get("$y1")})))
      ${bump("$vp", i32(p.bytes))} ${bump("$wp", i32(p.bytes))} ${bump("$sp", i32(8))}`,
    )
  }
  (local.set $y1 (f64x2.extract_lane 0 ${get("$m")}))
  (if (f64.gt ${get("$y1")} ${get("$t")}) (then (local.set $t ${get("$y1")})))
  (local.set $y1 (f64x2.extract_lane 1 ${get("$m")}))
  (if (f64.gt ${get("$y1")} ${get("$t")}) (then (local.set $t ${get("$y1")})))
  ${get("$t")})`;
}
